import { rateLimited, waitInWords } from './tool-result';

describe('spoken limits', () => {
  it('says how long to wait in words', () => {
    expect(waitInWords(1)).toBe('in 1 second');
    expect(waitInWords(45)).toBe('in 45 seconds');
    expect(waitInWords(60)).toBe('in 1 minute');
    expect(waitInWords(701)).toBe('in 12 minutes');
    expect(waitInWords(3_599)).toBe('in 1 hour');
    expect(waitInWords(3_600)).toBe('in 1 hour');
    expect(waitInWords(5_400)).toBe('in 1 hour and 30 minutes');
    expect(waitInWords(7_260)).toBe('in 2 hours and 1 minute');
    expect(waitInWords(5 * 3_600 + 1)).toBe('in 6 hours');
  });

  it('words the refusal so the model can say it', () => {
    expect(rateLimited('weather', 720)).toEqual({
      outcome: 'rate_limited',
      output: { error: 'rate_limited', message: "I've hit my weather limit, try again in 12 minutes.", retryAfterSec: 720 },
    });
  });
});
