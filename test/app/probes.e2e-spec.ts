import { get } from '../rate-limit/http-get';
import { ConversationLoad } from '../reliability/support/conversation-load';
import { ReliabilityStack, startReliabilityStack } from '../reliability/support/reliability-stack';
import { waitFor } from '../support/ports';

// The probes a load balancer or an orchestrator uses (GET /healthz liveness, GET /readyz
// readiness): answered from one address as often as a balancer asks, without touching any
// client's rate-limit bucket; readiness 503 from the moment SIGTERM starts the drain, while
// liveness and /status (which shows the readiness too) still answer.

const STATUS_LIMIT = 3;

describe('GET /healthz and /readyz (built app)', () => {
  let stack: ReliabilityStack;

  beforeAll(async () => {
    stack = await startReliabilityStack({ env: { RATE_LIMIT_STATUS: `${STATUS_LIMIT}/minute`, RATE_LIMIT_MAIN_PAGE: `${STATUS_LIMIT}/minute` } });
  });
  afterAll(() => stack?.stop());

  it('answer 200 to 300 probes from one address, and leave that address its full /status and page allowance', async () => {
    const localAddress = '127.0.0.71';
    const probes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => get(`${stack.app.url}/${i % 2 ? 'healthz' : 'readyz'}`, { localAddress })),
    );
    expect(new Set(probes.map(({ status }) => status))).toEqual(new Set([200]));
    for (const reply of probes) {
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(reply.headers.ratelimit).toBeUndefined();
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(JSON.parse(probes[0].body)).toEqual({ ready: true });
    expect(JSON.parse(probes[1].body)).toEqual({ status: 'ok' });
    // The same address still has every one of its /status and page requests.
    const statuses = [];
    for (let i = 0; i < STATUS_LIMIT + 1; i++) statuses.push((await get(`${stack.app.url}/status`, { localAddress })).status);
    expect(statuses).toEqual([...Array(STATUS_LIMIT).fill(200), 429]);
    const pages = [];
    for (let i = 0; i < STATUS_LIMIT + 1; i++) pages.push((await get(`${stack.app.url}/`, { localAddress })).status);
    expect(pages).toEqual([...Array(STATUS_LIMIT).fill(200), 429]);
  });

  it('/status shows readiness; on SIGTERM /readyz turns 503 with the reason while /healthz and /status still answer, until the process exits', async () => {
    const status = await get(`${stack.app.url}/status`, { localAddress: '127.0.0.72' });
    expect(JSON.parse(status.body)).toMatchObject({ readiness: { ready: true } });

    // One conversation whose hang-up takes a while, so the drain lasts long enough to look at.
    const load = new ConversationLoad(stack.app.url, stack.realtime);
    expect(await load.open(1)).toBe(1);
    load.conversations[0].client.leaving = true;
    stack.realtime.hangupDelayMs = 1_500;
    const signalled = performance.now();
    stack.app.child.kill('SIGTERM');

    const unready = await waitFor(async () => {
      const reply = await get(`${stack.app.url}/readyz`, { localAddress: '127.0.0.73' });
      return reply.status === 503 ? reply : undefined;
    }, 5_000, 10);
    const unreadyMs = performance.now() - signalled;
    expect(JSON.parse(unready.body)).toEqual({ ready: false, reasons: [expect.stringMatching(/^draining/)] });
    expect(unready.headers['cache-control']).toBe('no-store');
    expect((await get(`${stack.app.url}/healthz`, { localAddress: '127.0.0.73' })).status).toBe(200);
    const during = await get(`${stack.app.url}/status`, { localAddress: '127.0.0.74' });
    expect(during.status).toBe(200);
    expect(JSON.parse(during.body)).toMatchObject({ readiness: { ready: false, reasons: [expect.stringMatching(/^draining/)] }, conversations: { accepting: false } });

    expect(await stack.app.exited).toBe(0);
    const exitMs = performance.now() - signalled;
    console.log(`SIGTERM → /readyz 503 after ${Math.round(unreadyMs)} ms, exit after ${Math.round(exitMs)} ms`);
    expect(unreadyMs).toBeLessThan(exitMs);
    expect(load.conversations[0].client.endedReason).toBe('shutdown');
  });
});
