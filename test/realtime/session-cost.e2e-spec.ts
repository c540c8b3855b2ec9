import { usageCosting } from '../cost/cost-app';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/ports';
import { TEST_OFFER } from './support/browser-socket';
import { metricValue } from './support/metrics';
import { RealtimeApp, startRealtimeApp } from './support/realtime-app';

// Cost protection acting on real calls: the cost module decides, the realtime module hangs up.
// Usage comes from the fake OpenAI's sideband exactly as the real one reports it.

async function status(env: RealtimeApp): Promise<{ code: number; body: { status: string; sessions: { breakerOpen?: boolean } } }> {
  const response = await fetch(`${env.app.url}/status`);
  return { code: response.status, body: (await response.json()) as { status: string; sessions: { breakerOpen?: boolean } } };
}

describe('/session cost limits, in memory', () => {
  describe('per-session budget and duration', () => {
    let env: RealtimeApp;
    beforeAll(async () => {
      env = await startRealtimeApp({ COST_PROTECTION_MAX_SESSION_COST_USD: '0.05', COST_PROTECTION_MAX_SESSION_DURATION_MINUTES: '0.05' });
    });
    afterAll(() => env.close());

    it('hangs up within 1 s of the usage that crossed the budget, and says budget_exceeded', async () => {
      const { browser, call, started } = await env.startSession();
      expect(started.limits).toEqual({ maxCostUsd: 0.05, maxDurationSec: 3 });
      call.responseDone(usageCosting(0.02));
      expect((await browser.next('cost.updated')).sessionCostUsd).toBeCloseTo(0.02, 4);
      expect(call.hangups).toHaveLength(0);

      const crossedAt = Date.now();
      call.responseDone(usageCosting(0.04));
      await waitFor(() => call.hangups.length === 1, 4_000, 5);
      expect(call.hangups[0] - crossedAt).toBeLessThan(2_500);
      const update = await browser.next('cost.updated');
      expect(update.sessionCostUsd as number).toBeGreaterThanOrEqual(0.05);
      expect(await browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'budget_exceeded' });
      expect((await browser.closedWithin()).code).toBe(1000);
      expect(await metricValue('ducke_sessions_ended_total', { reason: 'budget_exceeded' })).toBeGreaterThanOrEqual(1);
    });

    it('hangs up at the duration limit (3 s here) with duration_exceeded', async () => {
      const { browser, call } = await env.startSession();
      const liveAt = Date.now();
      // The cost module's one-minute warning (here: at once) reaches the browser as cost.updated.
      const warning = await browser.next('cost.updated');
      expect(warning).toMatchObject({ type: 'cost.updated', budgetUsd: 0.05, secondsLeft: expect.any(Number) });
      expect(warning.secondsLeft as number).toBeLessThanOrEqual(3);
      expect(await browser.next('session.ended', 6_000)).toEqual({ type: 'session.ended', reason: 'duration_exceeded' });
      const elapsed = call.hangups[0] - liveAt;
      expect(elapsed).toBeGreaterThanOrEqual(2_900);
      expect(elapsed).toBeLessThan(5_000);
      expect((await browser.closedWithin()).code).toBe(1000);
    });
  });

  describe('circuit breaker', () => {
    let env: RealtimeApp;
    beforeAll(async () => {
      env = await startRealtimeApp({
        COST_PROTECTION_SESSION_RESERVATION_USD: '0.01',
        COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '0.08',
        COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '0.10',
        COST_PROTECTION_CIRCUIT_BREAKER_RESET_MINUTES: '5',
      });
    });
    afterAll(() => env.close());

    it('ends every call when spend reaches the threshold, refuses new ones with circuit_open, /status 200 throughout', async () => {
      const codes: number[] = [];
      let polling = true;
      const poller = (async () => {
        while (polling) {
          codes.push((await status(env)).code);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();

      const one = await env.startSession();
      const two = await env.startSession();
      one.call.responseDone(usageCosting(0.12));
      expect(await one.browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'circuit_breaker' });
      expect(await two.browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'circuit_breaker' });
      await waitFor(() => one.call.hangups.length === 1 && two.call.hangups.length === 1);

      const callsBefore = env.realtime.calls.size;
      const refused = await env.open();
      refused.send({ type: 'session.start', sdp: TEST_OFFER });
      const error = await refused.next('error');
      expect(error).toEqual({ type: 'error', code: 'circuit_open', message: expect.any(String), retryAfterSec: expect.any(Number) });
      expect(error.retryAfterSec as number).toBeGreaterThan(200);
      expect((await refused.closedWithin()).code).toBe(1013);
      expect(env.realtime.calls.size).toBe(callsBefore);

      const { code, body } = await status(env);
      expect(code).toBe(200);
      expect(body.sessions.breakerOpen).toBe(true);
      polling = false;
      await poller;
      expect(codes.length).toBeGreaterThan(0);
      expect(codes.every((c) => c === 200)).toBe(true);
    });
  });
});

describe('/session cost limits, two instances on one Redis', () => {
  let redis: RedisServer;
  let a: RealtimeApp;
  let b: RealtimeApp;
  beforeAll(async () => {
    redis = await RedisServer.start();
    const env = {
      REDIS_URL: redis.url,
      COST_PROTECTION_SESSION_RESERVATION_USD: '0.01',
      COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '0.08',
      COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '0.10',
    };
    a = await startRealtimeApp(env);
    b = await startRealtimeApp(env, { fake: a.fake, realtime: a.realtime, responses: a.responses, weather: a.weather });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await redis.stop();
  });

  it('spend on instance A opens the breaker and ends the conversation on instance B within a few seconds', async () => {
    const onB = await b.startSession();
    const onA = await a.startSession();
    const spentAt = Date.now();
    onA.call.responseDone(usageCosting(0.12));
    expect(await onA.browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'circuit_breaker' });
    expect(await onB.browser.next('session.ended', 8_000)).toEqual({ type: 'session.ended', reason: 'circuit_breaker' });
    await waitFor(() => onB.call.hangups.length === 1);
    expect(onB.call.hangups[0] - spentAt).toBeLessThan(5_000);

    const refused = await b.open();
    refused.send({ type: 'session.start', sdp: TEST_OFFER });
    expect(await refused.next('error')).toMatchObject({ code: 'circuit_open' });
    expect((await refused.closedWithin()).code).toBe(1013);
  });
});
