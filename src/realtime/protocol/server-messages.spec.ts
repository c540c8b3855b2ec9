import { SESSION_ERROR_CODES, SESSION_ERROR_RETRY } from '../../common/session-wire';
import { errorMessage, refusalMessage } from './server-messages';

describe('error messages', () => {
  it('carry retryAfterSec only on codes that waiting can fix', () => {
    for (const code of SESSION_ERROR_CODES) {
      const message = errorMessage(code, 'words', 30);
      expect({ code, retryAfterSec: message.retryAfterSec }).toEqual({ code, retryAfterSec: SESSION_ERROR_RETRY[code] === 'never' ? undefined : 30 });
    }
  });

  it('tell a refusal for a missing key without a time to come back', () => {
    expect(refusalMessage({ admitted: false, code: 'not_configured', message: 'no key', retryAfterSec: 60 })).toEqual({
      type: 'error',
      code: 'not_configured',
      message: 'no key',
    });
    expect(refusalMessage({ admitted: false, code: 'rate_limited', message: 'slow down', retryAfterSec: 12 }).retryAfterSec).toBe(12);
  });
});
