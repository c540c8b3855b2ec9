import { cutText } from './web-fetch.service';

describe('cutting page text to max_chars', () => {
  it('keeps text that fits, cuts at a line or word end when one is near, else exactly at the limit', () => {
    expect(cutText('short', 10)).toBe('short');
    expect(cutText('one two three four five', 15)).toBe('one two three');
    expect(cutText('first line here\nsecond', 17)).toBe('first line here');
    expect(cutText('line one\nline two', 12)).toBe('line one\nlin');
    expect(cutText('a'.repeat(50), 20)).toBe('a'.repeat(20));
  });
});
