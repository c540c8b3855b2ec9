import { Preferences } from './preferences';

describe('Preferences', () => {
  it('remembers the voice and push to talk', () => {
    const data = new Map<string, string>();
    const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
    const first = new Preferences(storage);
    first.voice = 'cedar';
    first.pushToTalk = true;
    const later = new Preferences(storage);
    expect(later.voice).toBe('cedar');
    expect(later.pushToTalk).toBe(true);
  });

  it('ignores a stored voice it does not know, and storage that throws', () => {
    const odd = new Preferences({ getItem: () => 'robot', setItem: () => undefined });
    expect(odd.voice).toBeUndefined();
    const blocked = new Preferences({
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    });
    expect(blocked.voice).toBeUndefined();
    expect(() => (blocked.pushToTalk = true)).not.toThrow();
  });
});
