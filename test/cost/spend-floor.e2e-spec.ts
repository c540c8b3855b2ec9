import { TEST_OFFER } from '../realtime/support/browser-socket';
import { RealtimeApp, startRealtimeApp } from '../realtime/support/realtime-app';
import { waitFor } from '../support/ports';

// The time floor on real calls whose usage never arrives: the fake OpenAI answers nothing and
// sends no response.done, so every figure below comes from connected time alone
// (COST_PROTECTION_MIN_USD_PER_MINUTE: 0.6 → 1 cent a second).

interface SessionsStatus {
  accepting: boolean;
  reason?: string;
  hourlySpendUsd?: number;
}

async function sessionsStatus(env: RealtimeApp): Promise<SessionsStatus> {
  const response = await fetch(`${env.app.url}/status`);
  return ((await response.json()) as { sessions: SessionsStatus }).sessions;
}

/** Responses the app asked for: none, and the fake starts none itself, so no usage ever exists. */
function responsesRequested(env: RealtimeApp): number {
  return env.realtime.callList.reduce((sum, call) => sum + call.clientEvents('response.create').length, 0);
}

describe('time floor of a session’s spend (no usage ever arrives)', () => {
  describe('per-session budget', () => {
    let env: RealtimeApp;
    beforeAll(async () => {
      env = await startRealtimeApp({ COST_PROTECTION_MIN_USD_PER_MINUTE: '0.6', COST_PROTECTION_MAX_SESSION_COST_USD: '0.03' });
    });
    afterAll(() => env.close());

    it('trips on the floor alone: budget_exceeded after about 3 s of connected time', async () => {
      const { browser, call } = await env.startSession();
      call.respondToCreate = false;
      const liveAt = Date.now();
      expect(await browser.next('session.ended', 15_000)).toEqual({ type: 'session.ended', reason: 'budget_exceeded' });
      const elapsed = Date.now() - liveAt;
      // $0.03 at $0.01/s is 3 s; the floor is charged every second (and the machine is busy).
      expect(elapsed).toBeGreaterThanOrEqual(2_900);
      expect(elapsed).toBeLessThan(12_000);
      await waitFor(() => call.hangups.length === 1);
      expect(responsesRequested(env)).toBe(0);
      expect((await sessionsStatus(env)).hourlySpendUsd).toBeGreaterThanOrEqual(0.03);
    });
  });

  describe('hourly cap', () => {
    let env: RealtimeApp;
    beforeAll(async () => {
      env = await startRealtimeApp({
        COST_PROTECTION_MIN_USD_PER_MINUTE: '0.6',
        COST_PROTECTION_MAX_SESSION_COST_USD: '1',
        COST_PROTECTION_SESSION_RESERVATION_USD: '0.005',
        COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '0.04',
      });
    });
    afterAll(() => env.close());

    it('counts the floor: a silent call fills the rolling hour and new conversations are refused with hourly_cap', async () => {
      const first = await env.startSession();
      first.call.respondToCreate = false;
      // 4 cents of connected time, minus the running session's own reservation, fills the cap.
      const full = await waitFor(
        async () => {
          const sessions = await sessionsStatus(env);
          return sessions.accepting ? undefined : sessions;
        },
        15_000,
        200,
      );
      expect(full.reason).toBe('hourly_cap');
      expect(full.hourlySpendUsd).toBeGreaterThanOrEqual(0.03);
      expect(first.browser.open).toBe(true);

      const callsBefore = env.realtime.calls.size;
      const refused = await env.open();
      refused.send({ type: 'session.start', sdp: TEST_OFFER });
      expect(await refused.next('error')).toMatchObject({ code: 'hourly_cap' });
      expect(env.realtime.calls.size).toBe(callsBefore);
      expect(responsesRequested(env)).toBe(0);
      first.browser.send({ type: 'session.stop' });
      expect(await first.browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'client' });
    });
  });
});
