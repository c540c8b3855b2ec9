import { percentiles, Percentiles } from '../../../bench/measure';
import type { FakeRealtimeCall } from '../../fakes/openai/fake-realtime-call';
import type { FakeRealtime } from '../../fakes/openai/realtime.handler';
import type { FunctionCallSpec } from '../../fakes/openai/realtime-events';
import { LoadClient, LoadClientOptions } from './load-client';

// Many conversations at once, each the way a person's would run: a started call whose "model"
// (the fake, through the call's sideband) hears the person, answers with usage, and now and then
// calls a tool (weather, forecast, web search) — so every event path runs: sideband parsing,
// metering and the ledger, cost.updated to the browser, tool calls through the limiter to the
// fake upstreams, one response.create per batch. Beside that, every browser sends a control
// message at a steady pace and times the answer: the latency figure of the soak.

export interface LoadProfile {
  /** One turn per conversation this often: transcription + spoken answer (two usage events), or a tool call. */
  turnEveryMs: number;
  /** Every n-th turn is a tool call (its output makes the model answer again, with usage). */
  toolEvery: number;
  /** One control-message round trip per conversation this often. */
  probeEveryMs: number;
}

export const SOAK_PROFILE: LoadProfile = { turnEveryMs: 5_000, toolEvery: 3, probeEveryMs: 2_500 };

/** The tools the "model" calls, in rotation: cached and new places, a forecast, a web search. */
const TOOL_CALLS: FunctionCallSpec[] = [
  { name: 'get_current_weather', arguments: { location: 'Tokyo' } },
  { name: 'get_weather_forecast', arguments: { location: 'São Paulo', days: 3 } },
  { name: 'get_current_weather', arguments: { location: 'London, United Kingdom' } },
  { name: 'web_search', arguments: { query: 'how far can a mallard fly in a day' } },
  { name: 'get_current_weather', arguments: { location: 'Saint-Étienne' } },
  { name: 'get_weather_forecast', arguments: { location: 'Yangon', days: 2 } },
];

export interface Conversation {
  index: number;
  /** How the browser connected (e.g. its Authorization header). */
  options: LoadClientOptions;
  client: LoadClient;
  call: FakeRealtimeCall;
  turns: number;
  nextTurnAt: number;
  nextProbeAt: number;
  probing: boolean;
  /** Set: this conversation's call stays up but takes no turns and no probes (its instance is about to drain). */
  muted?: boolean;
}

export interface Sample {
  at: number;
  ms: number;
}

export class ConversationLoad {
  readonly conversations: Conversation[] = [];
  readonly openFailures: string[] = [];
  readonly probeFailures: string[] = [];
  readonly samples: Sample[] = [];
  toolCallsSent = 0;
  private opened = 0;
  private ticker?: NodeJS.Timeout;
  private readonly callsByOffer = new Map<string, FakeRealtimeCall>();

  constructor(
    private readonly appUrl: string,
    /** Where calls are looked up: one fake, or a view over the fakes of several instances. */
    private readonly realtime: Pick<FakeRealtime, 'calls'>,
    private readonly profile: LoadProfile = SOAK_PROFILE,
    /** Per-connection options, e.g. a token for each browser when auth is on. */
    private readonly connectWith: () => LoadClientOptions = () => ({}),
  ) {}

  get size(): number {
    return this.conversations.length;
  }

  /** Open `count` more conversations, `concurrency` at a time; returns how many started. */
  async open(count: number, concurrency = 50): Promise<number> {
    let next = 0;
    let opened = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count) }, async () => {
        while (next < count) {
          next++;
          try {
            this.conversations.push(await this.openOne());
            opened++;
          } catch (error) {
            this.openFailures.push((error as Error).message);
          }
        }
      }),
    );
    return opened;
  }

  /** Open exactly `count` conversations, or fail saying why the first ones did not open. */
  async openExactly(count: number, concurrency?: number): Promise<void> {
    const opened = await this.open(count, concurrency);
    if (opened !== count) throw new Error(`${opened} of ${count} conversations opened; first failures: ${this.openFailures.slice(0, 3).join(' | ')}`);
  }

  /** Start the turns and probes of every open conversation (new ones join as they open). */
  drive(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => this.tick(), 20);
  }

  /** Stop starting turns and probes; waits for the probes in flight. */
  async halt(): Promise<void> {
    clearInterval(this.ticker);
    this.ticker = undefined;
    const deadline = Date.now() + 15_000;
    while (this.conversations.some((conversation) => conversation.probing) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Probe latency percentiles (ms) over samples taken at or after `since` (performance.now()). */
  latency(since = 0): Percentiles & { count: number } {
    const window = this.samples.filter((sample) => sample.at >= since).map((sample) => sample.ms);
    return window.length ? percentiles(window) : { p50: NaN, p99: NaN, max: NaN, count: 0 };
  }

  /** Everything that went wrong for a conversation this side did not end. */
  unexpected(): string[] {
    const problems: string[] = [];
    for (const { client, call } of this.conversations) {
      const who = `session ${client.sessionId}`;
      if (client.closed && !client.closed.expected) problems.push(`${who}: socket closed ${client.closed.code} ${client.closed.reason}`);
      if (client.endedReason && !client.leaving) problems.push(`${who}: session.ended ${client.endedReason}`);
      if (client.errors.length) problems.push(`${who}: error ${JSON.stringify(client.errors[0])}`);
      if (call.attaches.length > 1) problems.push(`${who}: sideband re-attached ${call.attaches.length - 1} time(s)`);
      if (call.ended && !client.leaving) problems.push(`${who}: call ended by ${call.endedBy}`);
    }
    return [...problems, ...this.probeFailures.map((failure) => `probe: ${failure}`)];
  }

  /** Messages of `type` received by every browser. */
  received(type: string): number {
    return this.conversations.reduce((sum, { client }) => sum + client.count(type), 0);
  }

  /** session.stop on every conversation; returns the end reasons and close codes seen. */
  async stopAll(concurrency = 100): Promise<{ reasons: Record<string, number>; codes: Record<string, number>; failures: string[] }> {
    await this.halt();
    const reasons: Record<string, number> = {};
    const codes: Record<string, number> = {};
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < this.conversations.length) {
          const { client } = this.conversations[next++];
          try {
            const { reason, code } = await client.stop();
            reasons[String(reason)] = (reasons[String(reason)] ?? 0) + 1;
            codes[code] = (codes[code] ?? 0) + 1;
          } catch (error) {
            failures.push(`session ${client.sessionId}: ${(error as Error).message}`);
          }
        }
      }),
    );
    return { reasons, codes, failures };
  }

  /** Cut every socket without a word (test teardown). */
  terminateAll(): void {
    clearInterval(this.ticker);
    for (const { client } of this.conversations) client.terminate();
  }

  /** One more conversation that this load does not drive or judge (an abusive client's). */
  async openOne(): Promise<Conversation> {
    const options = this.connectWith();
    const client = await LoadClient.open(this.appUrl, options);
    try {
      const offer = await client.start();
      const call = this.callFor(offer);
      const now = performance.now();
      return {
        index: this.opened++,
        options,
        client,
        call,
        turns: 0,
        // Spread the conversations over the period, as real ones would be.
        nextTurnAt: now + Math.random() * this.profile.turnEveryMs,
        nextProbeAt: now + Math.random() * this.profile.probeEveryMs,
        probing: false,
      };
    } catch (error) {
      client.terminate();
      throw error;
    }
  }

  private callFor(offer: string): FakeRealtimeCall {
    let call = this.callsByOffer.get(offer);
    if (!call) {
      for (const candidate of this.realtime.calls.values()) this.callsByOffer.set(candidate.offer, candidate);
      call = this.callsByOffer.get(offer);
    }
    if (!call) throw new Error('session.started without a call at the fake');
    this.callsByOffer.delete(offer);
    return call;
  }

  private tick(): void {
    const now = performance.now();
    for (const conversation of this.conversations) {
      const { client, call } = conversation;
      if (client.leaving || !client.open || call.ended || conversation.muted) continue;
      if (now >= conversation.nextTurnAt) {
        conversation.nextTurnAt += this.profile.turnEveryMs;
        this.turn(conversation);
      }
      if (!conversation.probing && now >= conversation.nextProbeAt) {
        conversation.nextProbeAt = now + this.profile.probeEveryMs;
        conversation.probing = true;
        client
          .probe()
          .then((ms) => this.samples.push({ at: now, ms }))
          .catch((error: Error) => {
            if (!client.leaving) this.probeFailures.push(`session ${client.sessionId}: ${error.message}`);
          })
          .finally(() => (conversation.probing = false));
      }
    }
  }

  private turn(conversation: Conversation): void {
    const n = conversation.turns++;
    const { call } = conversation;
    if (n % this.profile.toolEvery === this.profile.toolEvery - 1) {
      this.toolCallsSent++;
      call.callFunctions([TOOL_CALLS[(this.toolCallsSent + conversation.index) % TOOL_CALLS.length]]);
    } else {
      call.transcriptionCompleted();
      call.speak('Quack. Ducks can fly about eight hundred miles in a day.');
    }
  }
}
