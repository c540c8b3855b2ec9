import { DeadlineExceededError, withDeadline } from './deadline';

const busyFor = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    /* a blocked event loop */
  }
};

describe('withDeadline', () => {
  it('passes the answer through', async () => {
    await expect(withDeadline(Promise.resolve(42), 50)).resolves.toBe(42);
    await expect(withDeadline(Promise.reject(new Error('refused')), 50)).rejects.toThrow('refused');
  });

  it('times out when nothing answers', async () => {
    const started = Date.now();
    await expect(withDeadline(new Promise(() => undefined), 30)).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('counts an answer that arrived while the event loop was blocked past the deadline', async () => {
    // The answer is an I/O-phase callback queued before the deadline; the loop is then blocked
    // long past the deadline, so the timer and the answer are both due in the same turn.
    const answer = new Promise<string>((resolve) => setTimeout(() => setImmediate(() => resolve('late but real')), 5));
    const result = withDeadline(answer, 20);
    setTimeout(() => busyFor(60), 1);
    await expect(result).resolves.toBe('late but real');
  });
});
