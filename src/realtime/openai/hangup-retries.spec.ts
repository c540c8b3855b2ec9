import { Logger } from '@nestjs/common';
import type { HangupOutcome } from './hangup-policy';
import { classifyHangupStatus } from './hangup-policy';
import { HangupRetries } from './hangup-retries';
import type { HangupMetrics } from './hangup.metrics';
import { RealtimeCallsClient } from './realtime-calls.client';
import { RealtimeUpstreamError } from './realtime-upstream.error';

// HangupRetries with a fake of the OpenAI REST client and Jest's clock.

Logger.overrideLogger(false);

function harness(failures: number, error = new RealtimeUpstreamError('hanging up failed with HTTP 503', 503, undefined, true)) {
  const attempts: string[] = [];
  const outcomes: HangupOutcome[] = [];
  let left = failures;
  const calls = {
    hangup: jest.fn(async (callId: string) => {
      attempts.push(callId);
      if (left-- > 0) throw error;
      return 'hung_up' as const;
    }),
  } as unknown as RealtimeCallsClient;
  const metrics = { settled: (outcome: HangupOutcome) => outcomes.push(outcome), unwatched: () => undefined } as unknown as HangupMetrics;
  return { retries: new HangupRetries(calls, metrics), attempts, outcomes };
}

async function advance(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

describe('HangupRetries', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('tries a failed hang-up again every 5 s until OpenAI takes it, then forgets the call and its timer', async () => {
    const { retries, attempts } = harness(2);
    retries.add('rtc_1');
    retries.add('rtc_1'); // once per call
    expect(retries.size).toBe(1);
    await advance(4_000);
    expect(attempts).toEqual([]);
    await advance(1_000);
    expect(attempts).toEqual(['rtc_1']);
    await advance(5_000);
    expect(attempts).toEqual(['rtc_1', 'rtc_1']);
    await advance(5_000);
    expect(attempts).toHaveLength(3);
    expect(retries.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('slows to every 30 s after a minute and gives up after 5 minutes, counted and told', async () => {
    const { retries, attempts, outcomes } = harness(Infinity);
    const told: HangupOutcome[] = [];
    retries.add('rtc_2', (outcome) => told.push(outcome));
    await advance(60_000);
    const inFirstMinute = attempts.length;
    expect(inFirstMinute).toBe(12);
    await advance(60_000);
    expect(attempts.length - inFirstMinute).toBe(2);
    await advance(3 * 60_000 - 1_000);
    expect(retries.size).toBe(1);
    await advance(31_000);
    expect(retries.size).toBe(0);
    expect({ told, outcomes }).toEqual({ told: ['given_up'], outcomes: ['given_up'] });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops at once when the hang-up is refused (401/403), and when the call is known ended some other way', async () => {
    const { retries, outcomes } = harness(Infinity, new RealtimeUpstreamError('hanging up failed with HTTP 401', 401, 'invalid_api_key', false));
    const told: HangupOutcome[] = [];
    retries.add('rtc_3', (outcome) => told.push(outcome));
    await advance(5_000);
    expect(told).toEqual(['refused']);
    retries.add('rtc_4', (outcome) => told.push(outcome));
    retries.forget('rtc_4');
    await advance(10_000);
    expect(told).toEqual(['refused']);
    expect(outcomes).toEqual(['refused', 'already_ended']);
    expect(retries.size).toBe(0);
  });

  it('reads hang-up answers: done on success and on any 4xx but 401/403/429; retried on 429 and 5xx', () => {
    expect([200, 204].map(classifyHangupStatus)).toEqual(['hung_up', 'hung_up']);
    expect([400, 404, 409, 410, 422].map(classifyHangupStatus)).toEqual(Array(5).fill('already_ended'));
    expect([429, 500, 502, 503].map(classifyHangupStatus)).toEqual(Array(4).fill('retry'));
    expect([401, 403].map(classifyHangupStatus)).toEqual(['refused', 'refused']);
  });
});
