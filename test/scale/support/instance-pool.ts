import { FakeOpenAI } from '../../fakes/openai/fake-openai.server';
import type { FakeRealtimeCall } from '../../fakes/openai/fake-realtime-call';
import { FakeRealtime, installRealtime } from '../../fakes/openai/realtime.handler';
import { installResponses, ResponsesFake } from '../../fakes/openai/responses.handler';
import { FakeOpenMeteo } from '../../fakes/weather/fake-open-meteo.server';
import { IMAGE_NODE_OPTIONS } from '../../reliability/support/reliability-stack';
import { ServerProbe } from '../../reliability/support/server-probe';
import { freePort, waitFor } from '../../support/ports';
import { runBuiltApp } from '../../support/spawned-app';

// N instances of the built service (`node dist/main.js`, the image's NODE_OPTIONS), each on its
// own loopback port with its own local fake of OpenAI — so the fake that received a call tells
// which instance created it, the way an operator would read it from that instance's logs. An
// instance can be stopped (SIGTERM, as an orchestrator does) and started again on its port.

export interface Instance {
  index: number;
  name: string;
  port: number;
  url: string;
  fake: FakeOpenAI;
  realtime: FakeRealtime;
  responses: ResponsesFake;
  probe: ServerProbe;
  process: ReturnType<typeof runBuiltApp>;
}

export class InstancePool {
  private constructor(
    readonly instances: Instance[],
    private readonly weather: FakeOpenMeteo,
    private readonly env: Record<string, string>,
  ) {}

  static async start(count: number, env: Record<string, string>): Promise<InstancePool> {
    const weather = await FakeOpenMeteo.start();
    const pool = new InstancePool([], weather, env);
    for (let index = 0; index < count; index++) {
      const fake = await FakeOpenAI.start();
      const instance: Instance = {
        index,
        name: `app${index + 1}`,
        port: await freePort(),
        url: '',
        fake,
        realtime: installRealtime(fake, { answer: 'canned' }),
        responses: installResponses(fake),
        probe: undefined as unknown as ServerProbe,
        process: undefined as unknown as ReturnType<typeof runBuiltApp>,
      };
      instance.url = `http://127.0.0.1:${instance.port}`;
      pool.instances.push(instance);
    }
    try {
      await Promise.all(pool.instances.map((instance) => pool.launch(instance)));
    } catch (error) {
      await pool.stop();
      throw error;
    }
    return pool;
  }

  /** Start (or start again) the instance's process on its port; resolves once /readyz answers 200. */
  async launch(instance: Instance): Promise<void> {
    instance.process = runBuiltApp({
      OPENAI_BASE_URL: instance.fake.baseUrl,
      OPENAI_API_KEY: instance.fake.apiKey,
      ...this.weather.env,
      NODE_OPTIONS: IMAGE_NODE_OPTIONS,
      ...this.env,
      HOST: '127.0.0.1',
      PORT: String(instance.port),
    });
    instance.probe = new ServerProbe(instance.url, instance.process.child.pid!);
    await waitFor(async () => {
      if (instance.process.child.exitCode !== null) throw new Error(`${instance.name} exited early:\n${instance.process.output()}`);
      return (await fetch(`${instance.url}/readyz`)).status === 200;
    }, 60_000, 50); // three start at once on a busy machine
  }

  /** Every call at every instance's fake (ConversationLoad finds a browser's call here). */
  get calls(): Map<string, FakeRealtimeCall> {
    const all = new Map<string, FakeRealtimeCall>();
    for (const { realtime } of this.instances) for (const [id, call] of realtime.calls) all.set(id, call);
    return all;
  }

  /** The instance whose fake holds this call. */
  instanceOf(call: FakeRealtimeCall): Instance {
    const instance = this.instances.find(({ realtime }) => realtime.calls.get(call.id) === call);
    if (!instance) throw new Error(`no instance created call ${call.id}`);
    return instance;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.instances.map(async (instance) => {
        if (instance.process?.child.exitCode === null) instance.process.child.kill('SIGKILL');
        await instance.process?.exited;
        await instance.realtime.closeAll();
        instance.responses.release();
        await instance.fake.stop();
      }),
    );
    await this.weather.stop();
  }
}
