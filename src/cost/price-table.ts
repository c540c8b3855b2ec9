// The dated price table every charge is computed from (docs/cost-protection.md). It is configuration:
// check it against https://openai.com/api/pricing before a launch and when OpenAI announces a
// change, update `asOf`, and redeploy. A model missing here is never charged by guess: the
// service refuses to start with it configured unless COST_PRICE_OVERRIDES gives its prices.

/** USD per 1M tokens, by kind. A rate left out means "not billed this way by this model". */
export interface TokenRates {
  textIn?: number;
  textCachedIn?: number;
  audioIn?: number;
  audioCachedIn?: number;
  imageIn?: number;
  imageCachedIn?: number;
  textOut?: number;
  audioOut?: number;
}

export interface ModelPrice extends TokenRates {
  /** Duration-billed transcription: USD per minute of audio. */
  perMinute?: number;
  /** Context window in tokens: bounds what one response can re-read as input. */
  contextTokens?: number;
  /** Where the figures come from. */
  source: string;
  /** Lifecycle note (deprecation, shutdown date). */
  status?: string;
}

export interface PriceTable {
  /** The day these prices were checked (ISO date). */
  asOf: string;
  currency: 'USD';
  models: Readonly<Record<string, ModelPrice>>;
  /**
   * Models OpenAI offers (they are in the SDK's types) whose price was not published when the
   * table was checked: refused like any unpriced model, with this reason in the message.
   */
  unpriced: Readonly<Record<string, string>>;
  /** The Responses API `web_search` tool: a fee per billable search, plus the model's tokens. */
  webSearch: { perCallUsd: number; source: string };
}

/** DI token of the table in use (tests may provide their own). */
export const PRICE_TABLE = Symbol('PRICE_TABLE');

const DOCS = 'developers.openai.com/api/docs/models';
const PRICING = 'OpenAI pricing page';

export const DEFAULT_PRICE_TABLE: PriceTable = {
  asOf: '2026-11-25',
  currency: 'USD',
  models: {
    // Realtime speech-to-speech models.
    'gpt-realtime': {
      textIn: 4.0, textCachedIn: 0.4, textOut: 16.0,
      audioIn: 32.0, audioCachedIn: 0.4, audioOut: 64.0,
      imageIn: 5.0, imageCachedIn: 0.5,
      contextTokens: 32_000,
      source: `${DOCS}/compare (text); "Introducing gpt-realtime" 2025-08-28 (audio); image as gpt-realtime-1.5 (third-party table)`,
      status: 'deprecated, shutdown 2027-01-20',
    },
    'gpt-realtime-mini': {
      textIn: 0.6, textCachedIn: 0.06, textOut: 2.4,
      audioIn: 10.0, audioCachedIn: 0.3, audioOut: 20.0,
      imageIn: 0.8, imageCachedIn: 0.08,
      contextTokens: 32_000,
      source: `${PRICING}; platform.openai.com/docs/models/gpt-realtime-mini`,
      status: 'alias deprecated, shutdown 2027-01-20',
    },
    'gpt-realtime-1.5': {
      textIn: 4.0, textCachedIn: 0.4, textOut: 16.0,
      audioIn: 32.0, audioCachedIn: 0.4, audioOut: 64.0,
      imageIn: 5.0, imageCachedIn: 0.5,
      contextTokens: 32_000,
      source: `${DOCS}/gpt-realtime-1.5; ${PRICING}`,
    },
    'gpt-realtime-2': {
      textIn: 4.0, textCachedIn: 0.4, textOut: 24.0,
      audioIn: 32.0, audioCachedIn: 0.4, audioOut: 64.0,
      imageIn: 5.0, imageCachedIn: 0.5,
      contextTokens: 128_000,
      source: `${DOCS}/gpt-realtime-2; ${PRICING}`,
    },
    'gpt-realtime-2.1': {
      textIn: 4.0, textCachedIn: 0.4, textOut: 24.0,
      audioIn: 32.0, audioCachedIn: 0.4, audioOut: 64.0,
      imageIn: 5.0, imageCachedIn: 0.5,
      contextTokens: 128_000,
      source: `${DOCS}/gpt-realtime-2.1`,
    },
    'gpt-realtime-2.1-mini': {
      textIn: 0.6, textCachedIn: 0.06, textOut: 2.4,
      audioIn: 10.0, audioCachedIn: 0.3, audioOut: 20.0,
      imageIn: 0.8, imageCachedIn: 0.08,
      contextTokens: 128_000,
      source: `${DOCS}/gpt-realtime-2.1-mini`,
    },

    // Input transcription (billed at the ASR model's own rates, not the realtime model's).
    'gpt-4o-transcribe': {
      textIn: 2.5, audioIn: 6.0, textOut: 10.0,
      source: `${PRICING} (text in/out); audio input $6.00 per openai-cookbook realtime transcription notebook`,
      status: 'deprecated, shutdown 2027-02-26',
    },
    'gpt-4o-mini-transcribe': {
      textIn: 1.25, audioIn: 3.0, textOut: 5.0,
      source: `${PRICING} (text in/out; audio input $3.00, ≈ $0.003/min)`,
      status: 'deprecated, shutdown 2027-02-26',
    },
    // `gpt-4o-mini-transcribe-2025-12-15` (in the SDK's types) is a dated snapshot: it is priced
    // as its alias, like every `-YYYY-MM-DD` snapshot (PriceBook).
    'gpt-realtime-whisper': { perMinute: 0.017, source: `${DOCS}/gpt-realtime-whisper (billed by duration)` },
    'whisper-1': { perMinute: 0.006, source: `${PRICING} (billed by duration; not re-checked in 2026)`, status: 'deprecated, shutdown 2027-02-26' },

    // Models behind the web_search tool (Responses API).
    'gpt-5.4-mini': { textIn: 0.75, textCachedIn: 0.075, textOut: 4.5, source: PRICING },
    'gpt-5.5': { textIn: 5.0, textCachedIn: 0.5, textOut: 30.0, source: PRICING },
  },
  unpriced: {
    // Transcription models named in the SDK's AudioTranscription.model (openai 7.57).
    'gpt-transcribe': 'OpenAI had published no price for it',
    'gpt-live-transcribe': 'OpenAI had published no price for it (a GPT-Live model)',
    'gpt-4o-transcribe-diarize': 'OpenAI had published no price for it',
  },
  webSearch: { perCallUsd: 0.01, source: `${PRICING}: web_search $10.00 per 1k calls, search content tokens at model rates` },
};

/** The table with COST_PRICE_OVERRIDES applied: each override replaces the model's whole entry. */
export function withPriceOverrides(table: PriceTable, overrides: Readonly<Record<string, Partial<TokenRates & { perMinute: number; contextTokens: number }>>>): PriceTable {
  if (Object.keys(overrides).length === 0) return table;
  const models: Record<string, ModelPrice> = { ...table.models };
  for (const [model, prices] of Object.entries(overrides)) models[model] = { ...prices, source: 'COST_PRICE_OVERRIDES' };
  return { ...table, models };
}
