import { PriceBook } from '../cost/price-book';
import { DEFAULT_PRICE_TABLE } from '../common/price-table';
import { PROBE_RESPONSE_MAX_OUTPUT_TOKENS, spendBound } from './spend-estimate';

const prices = new PriceBook(DEFAULT_PRICE_TABLE);
const inputs = {
  session: { type: 'realtime' as const, instructions: 'You are DUCK-E.'.repeat(100), tools: [] },
  model: 'gpt-realtime-2',
  transcriptionModel: 'gpt-4o-mini-transcribe',
  webSearchModel: 'gpt-5.4-mini',
  sessionMaxOutputTokens: 1024,
};

describe('spendBound', () => {
  it('adds the call, the transcription and five web searches at the price book\'s rates', () => {
    const bound = spendBound(prices, inputs);
    expect(bound.totalUsd).toBeCloseTo(bound.realtimeUsd + bound.transcriptionUsd + bound.webSearchUsd, 3);
    // Five searches cost at least their per-search fee.
    expect(bound.webSearchUsd).toBeGreaterThanOrEqual(5 * DEFAULT_PRICE_TABLE.webSearch.perCallUsd);
    // Two capped responses and one voice-activity response, each at least its output at $64 per 1M audio tokens.
    expect(bound.realtimeUsd).toBeGreaterThan(((2 * PROBE_RESPONSE_MAX_OUTPUT_TOKENS + 1024) * 64) / 1e6);
    expect(bound.totalUsd).toBeLessThan(1);
  });

  it('grows with the instructions and with dearer models', () => {
    const base = spendBound(prices, inputs).realtimeUsd;
    expect(spendBound(prices, { ...inputs, session: { ...inputs.session, instructions: 'x'.repeat(40_000) } }).realtimeUsd).toBeGreaterThan(base);
    expect(spendBound(prices, { ...inputs, model: 'gpt-realtime-2.1-mini' }).realtimeUsd).toBeLessThan(base);
  });
});
