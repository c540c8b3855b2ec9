import { UsageTally } from './usage-tally';

const done = (id: string, input: unknown = 120, output: unknown = 80) => ({ type: 'response.done', response: { id, status: 'completed', usage: { input_tokens: input, output_tokens: output } } });

describe('UsageTally', () => {
  it('counts each response.done once, with its usage, and nothing else', () => {
    const tally = new UsageTally();
    expect(tally.see({ type: 'response.created', response: { id: 'resp_1' } })).toBe(false);
    expect(tally.see(done('resp_1'))).toBe(true);
    expect(tally.see(done('resp_1'))).toBe(false);
    expect(tally.see(done('resp_2', 30.2, 'many'))).toBe(true);
    expect(tally.see({ type: 'response.done' })).toBe(true);
    expect(tally.report()).toEqual({ type: 'usage.seen', responses: 3, inputTokens: 151, outputTokens: 80 });
  });

  it('reports only what changed, except the final report, which always goes', () => {
    const tally = new UsageTally();
    expect(tally.report()).toEqual({ type: 'usage.seen', responses: 0, inputTokens: 0, outputTokens: 0 });
    expect(tally.report()).toBeUndefined();
    tally.see(done('resp_1'));
    expect(tally.report()).toMatchObject({ responses: 1 });
    expect(tally.report()).toBeUndefined();
    expect(tally.report(true)).toEqual({ type: 'usage.seen', responses: 1, inputTokens: 120, outputTokens: 80, final: true });
  });
});
