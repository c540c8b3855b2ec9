import { Logger } from '@nestjs/common';
import { HangupRetries } from './hangup-retries';
import { RealtimeCallsClient } from './realtime-calls.client';
import { RealtimeUpstreamError } from './realtime-upstream.error';

// HangupRetries with a fake of the OpenAI REST client and Jest's clock.

Logger.overrideLogger(false);

function harness(failures: number) {
  const attempts: string[] = [];
  let left = failures;
  const calls = {
    hangup: jest.fn(async (callId: string) => {
      attempts.push(callId);
      if (left-- > 0) throw new RealtimeUpstreamError('hanging up failed with HTTP 503', 503, undefined, true);
      return 'hung_up' as const;
    }),
  } as unknown as RealtimeCallsClient;
  return { retries: new HangupRetries(calls), attempts };
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

  it('slows to every 30 s after a minute and gives up after an hour', async () => {
    const { retries, attempts } = harness(Infinity);
    retries.add('rtc_2');
    await advance(60_000);
    const inFirstMinute = attempts.length;
    expect(inFirstMinute).toBe(12);
    await advance(60_000);
    expect(attempts.length - inFirstMinute).toBe(2);
    await advance(60 * 60_000);
    expect(retries.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});
