import { SidebandAttachError } from '../openai/sideband.client';
import { RealtimeUpstreamError } from '../openai/realtime-upstream.error';
import { CloseCode } from '../protocol/close-codes';
import { startFailure } from './start-failure';

describe('startFailure', () => {
  it('asks the browser to retry after a failure that may pass (5xx, timeouts, the sideband)', () => {
    for (const error of [new RealtimeUpstreamError('HTTP 503', 503, undefined, true), new SidebandAttachError('refused', 502, false), new Error('timeout')]) {
      expect(startFailure(error)).toEqual({ message: expect.stringContaining('try again'), retryAfterSec: 5, closeCode: CloseCode.TryAgainLater });
    }
  });

  it('tells the browser not to retry when OpenAI refused the call for good', () => {
    const refusal = startFailure(new RealtimeUpstreamError('HTTP 400', 400, undefined, false));
    expect(refusal).toEqual({ message: 'The voice service refused to start this conversation.', closeCode: CloseCode.ServerFault });
  });
});
