import { SESSION_END_REASONS, SESSION_ERROR_CODES } from '../../../src/common/session-wire';
import { explainEnd, explainError, explainMicrophone } from './explanations';
import { safeLoginUrl } from './login-link';

// Every end reason and error code of docs/protocol.md has its own plain-words explanation.

// The server's own lists: a reason or code added there fails here until the page explains it.
const END_REASONS = SESSION_END_REASONS;
const ERROR_CODES = SESSION_ERROR_CODES;

describe('explanations', () => {
  it('gives every end reason and every error code a distinct, specific title', () => {
    const generic = explainEnd('something_new').title;
    const endTitles = END_REASONS.map((reason) => explainEnd(reason).title);
    expect(endTitles).not.toContain(generic);
    expect(new Set(endTitles).size).toBe(END_REASONS.length);
    const genericError = explainError('something_new').title;
    const errorTitles = ERROR_CODES.map((code) => explainError(code).title);
    expect(errorTitles).not.toContain(genericError);
    // circuit_open (a refusal) and circuit_breaker (an ended call) share the resting message on purpose.
    expect(new Set(errorTitles).size).toBe(ERROR_CODES.length);
  });

  it('names the limit that ended the conversation', () => {
    expect(explainEnd('budget_exceeded', { maxCostUsd: 0.05 }).text).toContain('spending limit of $0.05');
    expect(explainEnd('duration_exceeded', { maxDurationSec: 1800 }).text).toContain('time limit of 30 minutes');
  });

  it('counts down a refusal that says when to come back', () => {
    expect(explainError('rate_limited', 41.2)).toMatchObject({ retryAfterSec: 42, text: expect.stringContaining('Try again in {countdown}') });
    expect(explainError('circuit_open', 300).title).toBe('DUCK-E is resting to protect its budget');
    expect(explainError('rate_limited').retryAfterSec).toBeUndefined();
  });

  it('sends a person who must sign in to the login page', () => {
    expect(explainError('unauthorized').action).toBe('login');
    expect(explainEnd('token_expired').action).toBe('login');
  });

  it("says why a sign-in failed in the server's words, and falls back to ours without them", () => {
    expect(explainError('unauthorized', undefined, 'Your sign-in was revoked. Please sign in again.').text).toBe(
      'Your sign-in was revoked. Please sign in again.',
    );
    expect(explainError('unauthorized', undefined, '  ').text).toBe('This DUCK-E needs you to sign in before you can talk to it.');
    expect(explainError('rate_limited', 42, 'server words').text).not.toContain('server words');
  });

  it('explains each microphone problem differently', () => {
    const titles = (['denied', 'missing', 'busy', 'insecure', 'timeout', 'unsupported'] as const).map((p) => explainMicrophone(p).title);
    expect(new Set(titles).size).toBe(titles.length);
  });
});

describe('safeLoginUrl', () => {
  const base = 'https://duck.example/';
  it('accepts http(s) and same-site paths', () => {
    expect(safeLoginUrl('https://id.example/login?next=/', base)).toBe('https://id.example/login?next=/');
    expect(safeLoginUrl('/auth/login', base)).toBe('https://duck.example/auth/login');
  });
  it('refuses script and data URLs', () => {
    expect(safeLoginUrl('javascript:alert(1)', base)).toBeUndefined();
    expect(safeLoginUrl(' JaVaScRiPt:alert(1)', base)).toBeUndefined();
    expect(safeLoginUrl('data:text/html,<script>alert(1)</script>', base)).toBeUndefined();
    expect(safeLoginUrl(undefined, base)).toBeUndefined();
  });
});
