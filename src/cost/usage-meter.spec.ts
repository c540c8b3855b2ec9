import type { TranscriptionUsage } from '../common/session-ports';
import { Logger } from '@nestjs/common';
import { PriceBook, UnpricedModelError } from './price-book';
import { DEFAULT_PRICE_TABLE, withPriceOverrides } from './price-table';
import { UsageMeter } from './usage-meter';

/** A usage object as it may arrive off the network, whatever the SDK type says. */
const wire = <T>(value: unknown) => value as T;

// The example usage of OpenAI's realtime-costs guide.
const GUIDE_USAGE = {
  total_tokens: 253,
  input_tokens: 132,
  output_tokens: 121,
  input_token_details: {
    text_tokens: 119,
    audio_tokens: 13,
    image_tokens: 0,
    cached_tokens: 64,
    cached_tokens_details: { text_tokens: 64, audio_tokens: 0, image_tokens: 0 },
  },
  output_token_details: { text_tokens: 30, audio_tokens: 91 },
};

describe('UsageMeter', () => {
  let meter: UsageMeter;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    meter = new UsageMeter(new PriceBook(DEFAULT_PRICE_TABLE));
  });

  afterEach(() => warn.mockRestore());

  describe('response.done usage', () => {
    it('prices cached tokens as a subset of the input: cached at the cached rate, the rest at the full rate', () => {
      // gpt-realtime-2: text 4.00 / 0.40 / 24.00, audio 32.00 / 0.40 / 64.00 per 1M tokens.
      // (119-64)*4 + 64*0.4 + 13*32 + 30*24 + 91*64 = 7205.6 µUSD → 7206 (rounded up).
      const priced = meter.priceResponse('gpt-realtime-2', GUIDE_USAGE);
      expect(priced).toEqual({
        model: 'gpt-realtime-2',
        micro: 7206,
        tokens: { text_in: 55, audio_in: 13, cached_in: 64, text_out: 30, audio_out: 91 },
      });
    });

    it('never charges cached tokens twice (the original page double-counted them)', () => {
      const uncached = meter.priceResponse('gpt-realtime-2', {
        ...GUIDE_USAGE,
        input_token_details: { text_tokens: 119, audio_tokens: 13, image_tokens: 0 },
      });
      // The 64 cached text tokens save 64 × (4.00 − 0.40) = 230.4 µUSD, nothing more, nothing less.
      expect(uncached.micro - meter.priceResponse('gpt-realtime-2', GUIDE_USAGE).micro).toBeCloseTo(230, 0);
    });

    it('prices gpt-realtime text output at 16 and gpt-realtime-mini at mini rates', () => {
      // 55*4 + 64*0.4 + 13*32 + 30*16 + 91*64 = 6965.6
      expect(meter.priceResponse('gpt-realtime', GUIDE_USAGE).micro).toBe(6966);
      // 55*0.6 + 64*0.06 + 13*10 + 30*2.4 + 91*20 = 2058.84
      expect(meter.priceResponse('gpt-realtime-mini', GUIDE_USAGE).micro).toBe(2059);
      expect(meter.priceResponse('gpt-realtime-2.1-mini', GUIDE_USAGE).micro).toBe(2059);
    });

    it('prices a dated snapshot like its alias', () => {
      expect(meter.priceResponse('gpt-realtime-2025-08-28', GUIDE_USAGE)).toEqual(meter.priceResponse('gpt-realtime', GUIDE_USAGE));
      expect(warn).not.toHaveBeenCalled();
    });

    it('spreads cached tokens without a breakdown over the buckets with the smallest discount first', () => {
      // 50 text + 100 audio in, 100 cached, no cached breakdown: 50 cached text, then 50 cached audio.
      const priced = meter.priceResponse('gpt-realtime-2', {
        input_tokens: 150,
        input_token_details: { text_tokens: 50, audio_tokens: 100, cached_tokens: 100 },
      });
      // 50*0.4 + 50*32 + 50*0.4 = 1640
      expect(priced.micro).toBe(1640);
      expect(priced.tokens).toEqual({ audio_in: 50, cached_in: 100 });
    });

    it('charges input and output without details at the dearest rates (audio)', () => {
      expect(meter.priceResponse('gpt-realtime-2', { input_tokens: 100, output_tokens: 50 }).micro).toBe(100 * 32 + 50 * 64);
      // Only part of the input explained: the rest is audio.
      expect(meter.priceResponse('gpt-realtime-2', { input_tokens: 100, input_token_details: { text_tokens: 40 } }).micro).toBe(40 * 4 + 60 * 32);
      // Only a total: the dearest output rate.
      expect(meter.priceResponse('gpt-realtime-2', { total_tokens: 10 }).micro).toBe(640);
    });

    it('reads garbage defensively: nothing to count is free, never an exception or NaN', () => {
      for (const usage of [undefined, null, 'usage', 42, [], { input_tokens: -5, output_tokens: Number.NaN }, { input_token_details: 'x' }]) {
        expect(meter.priceResponse('gpt-realtime-2', wire(usage))).toEqual({ model: 'gpt-realtime-2', micro: 0, tokens: {} });
      }
    });

    it('ignores cached counts larger than the input they are part of', () => {
      const priced = meter.priceResponse('gpt-realtime-2', {
        input_token_details: { text_tokens: 10, cached_tokens: 500, cached_tokens_details: { text_tokens: 500 } },
      });
      expect(priced.micro).toBe(4); // 10 × 0.40, rounded up
    });
  });

  describe('a model missing from the price book', () => {
    it('is refused, never charged by guess (the configuration check stops it at start)', () => {
      const usage = { output_token_details: { text_tokens: 1000 } };
      expect(() => meter.priceResponse('gpt-realtime-9', usage)).toThrow(UnpricedModelError);
      expect(() => meter.priceTranscription('some-new-asr', { type: 'duration', seconds: 60 })).toThrow('No price for model "some-new-asr"');
      expect(() => meter.priceBackend({ id: 'r', model: 'gpt-9', inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, webSearchCalls: 0 })).toThrow(UnpricedModelError);
    });

    it('names why for the SDK transcription models that have no published price', () => {
      expect(() => meter.priceTranscription('gpt-transcribe', { type: 'duration', seconds: 1 })).toThrow('OpenAI had published no price for it');
    });

    it('prices dated snapshots as their alias (the SDK names gpt-4o-mini-transcribe-2025-12-15)', () => {
      const usage: TranscriptionUsage = { type: 'tokens', total_tokens: 26, input_tokens: 17, output_tokens: 9 };
      expect(meter.priceTranscription('gpt-4o-mini-transcribe-2025-12-15', usage)).toEqual(meter.priceTranscription('gpt-4o-mini-transcribe', usage));
    });

    it('is priced from COST_PRICE_OVERRIDES when given, which also corrects a built-in price', () => {
      const table = withPriceOverrides(DEFAULT_PRICE_TABLE, { 'gpt-realtime-9': { textOut: 30, audioOut: 80 }, 'gpt-realtime-2': { textOut: 1 } });
      const overridden = new UsageMeter(new PriceBook(table));
      expect(overridden.priceResponse('gpt-realtime-9', { output_token_details: { text_tokens: 1000, audio_tokens: 1000 } })).toMatchObject({ model: 'gpt-realtime-9', micro: 110_000 });
      expect(overridden.priceResponse('gpt-realtime-2', { output_token_details: { text_tokens: 1000 } }).micro).toBe(1_000);
    });
  });

  describe('input transcription usage', () => {
    it('prices tokens at the transcription model rates', () => {
      const usage: TranscriptionUsage = { type: 'tokens', total_tokens: 26, input_tokens: 17, output_tokens: 9, input_token_details: { text_tokens: 0, audio_tokens: 17 } };
      // gpt-4o-mini-transcribe: audio in 3.00, text out 5.00 → 17*3 + 9*5 = 96.
      expect(meter.priceTranscription('gpt-4o-mini-transcribe', usage)).toEqual({
        model: 'gpt-4o-mini-transcribe',
        micro: 96,
        tokens: { transcription_in: 17, transcription_out: 9 },
      });
      // gpt-4o-transcribe: audio in 6.00, text out 10.00 → 17*6 + 9*10 = 192.
      expect(meter.priceTranscription('gpt-4o-transcribe', usage).micro).toBe(192);
    });

    it('prices duration-billed models per second of audio', () => {
      // gpt-realtime-whisper: $0.017 per minute → 3.2 s = 906.67 µUSD → 907.
      expect(meter.priceTranscription('gpt-realtime-whisper', { type: 'duration', seconds: 3.2 }).micro).toBe(907);
      // Without its `type` (older API versions): still read as duration.
      expect(meter.priceTranscription('whisper-1', wire({ seconds: 60 })).micro).toBe(6_000);
    });

    it('charges input without a breakdown as audio', () => {
      expect(meter.priceTranscription('gpt-4o-mini-transcribe', wire({ type: 'tokens', input_tokens: 100 })).micro).toBe(300);
    });
  });

  describe('backend usage (web search)', () => {
    it('adds the per-search fee to the model tokens, cached input at the cached rate', () => {
      const priced = meter.priceBackend({ id: 'resp_1', model: 'gpt-5.4-mini', inputTokens: 1000, cachedInputTokens: 200, outputTokens: 300, webSearchCalls: 1 });
      // 800*0.75 + 200*0.075 + 300*4.5 + $0.01 = 600 + 15 + 1350 + 10000
      expect(priced).toEqual({ model: 'gpt-5.4-mini', micro: 11_965, tokens: { text_in: 800, cached_in: 200, text_out: 300 } });
    });

    it('charges two searches twice the fee and survives nonsense counts', () => {
      expect(meter.priceBackend({ id: 'r', model: 'gpt-5.4-mini', inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, webSearchCalls: 2 }).micro).toBe(20_000);
      expect(
        meter.priceBackend({ id: 'r', model: 'gpt-5.4-mini', inputTokens: Number.NaN, cachedInputTokens: -1, outputTokens: Infinity, webSearchCalls: 0 }).micro,
      ).toBe(0);
    });
  });

  describe('the ceiling of one response (budget overshoot)', () => {
    it('is a full context uncached at the dearest input rate plus max output at the dearest output rate', () => {
      expect(meter.responseCeiling('gpt-realtime-2', 1024)).toEqual({
        model: 'gpt-realtime-2',
        contextTokens: 128_000,
        maxOutputTokens: 1024,
        inputUsd: 4.096,
        outputUsd: 0.065536,
        totalUsd: 4.161536,
      });
      expect(meter.responseCeiling('gpt-realtime-mini', 1024, 16_000).totalUsd).toBeCloseTo(0.16 + 0.02048, 6);
    });
  });
});
