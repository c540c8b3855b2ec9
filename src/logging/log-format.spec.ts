import { chooseLogFormat } from './log-format';

describe('log format', () => {
  it('is readable on a terminal outside production, JSON everywhere else', () => {
    expect(chooseLogFormat('auto', true, false)).toBe('pretty');
    expect(chooseLogFormat('auto', false, false)).toBe('json');
    expect(chooseLogFormat('auto', true, true)).toBe('json');
    expect(chooseLogFormat('auto', false, true)).toBe('json');
  });

  it('follows LOG_FORMAT when it names a format', () => {
    expect(chooseLogFormat('json', true, false)).toBe('json');
    expect(chooseLogFormat('pretty', false, true)).toBe('pretty');
  });
});
