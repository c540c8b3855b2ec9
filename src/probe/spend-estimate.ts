import type { PriceBook } from '../cost/price-book';
import type { RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';

// The most the probe can spend, announced before it starts. Every figure is an upper bound on
// what the probe's own short call can consume, priced at the project's price book (the same
// prices the server meters with); the report compares it with what was actually metered.

/** Each response the probe asks for is capped at this many output tokens. */
export const PROBE_RESPONSE_MAX_OUTPUT_TOKENS = 200;
/** Responses the probe starts: one from the sideband, one from the data channel. */
export const PROBE_RESPONSES = 2;
export const PROBE_WEB_SEARCHES = 5;
/** The probe's "speech" (the model's answer played back) is at most 10 s: 600 audio tokens a minute. */
const SPEECH_TOKENS = 100;
/** Search content the Responses API reads per search (search_context_size "low"), bounded. */
const SEARCH_INPUT_TOKENS = 10_000;
/** Above the web-search client's max_output_tokens. */
const SEARCH_OUTPUT_TOKENS = 4_096;

export interface SpendBound {
  realtimeUsd: number;
  transcriptionUsd: number;
  webSearchUsd: number;
  totalUsd: number;
}

export interface SpendInputs {
  session: RealtimeSessionCreateRequest;
  model: string;
  transcriptionModel: string;
  webSearchModel: string;
  /** REALTIME_MAX_OUTPUT_TOKENS: caps a response voice activity might start while the probe speaks. */
  sessionMaxOutputTokens: number;
}

export function spendBound(prices: PriceBook, inputs: SpendInputs): SpendBound {
  const usd = (tokens: number, perMillion: number) => (tokens * perMillion) / 1_000_000;
  const realtime = prices.resolve(inputs.model).rates;
  // A token is at least two characters of JSON: a safe bound on the instructions and tools.
  const promptTokens = Math.ceil(JSON.stringify({ instructions: inputs.session.instructions, tools: inputs.session.tools }).length / 2);
  const outputs = [...Array<number>(PROBE_RESPONSES).fill(PROBE_RESPONSE_MAX_OUTPUT_TOKENS), inputs.sessionMaxOutputTokens];
  const conversationTokens = outputs.reduce((sum, tokens) => sum + tokens, 0) + SPEECH_TOKENS;
  const outRate = Math.max(realtime.textOut, realtime.audioOut);
  const realtimeUsd = outputs.reduce(
    (sum, outputTokens) => sum + usd(promptTokens, realtime.textIn) + usd(conversationTokens, Math.max(realtime.audioIn, realtime.textIn)) + usd(outputTokens, outRate),
    0,
  );

  const asr = prices.resolve(inputs.transcriptionModel);
  const transcriptionUsd = Math.max(usd(SPEECH_TOKENS * 2, asr.rates.audioIn) + usd(SPEECH_TOKENS, asr.rates.textOut), (asr.perMinute * 10) / 60);

  const search = prices.resolve(inputs.webSearchModel).rates;
  const webSearchUsd = PROBE_WEB_SEARCHES * (prices.table.webSearch.perCallUsd + usd(SEARCH_INPUT_TOKENS, search.textIn) + usd(SEARCH_OUTPUT_TOKENS, search.textOut));

  const round = (value: number) => Math.ceil(value * 10_000) / 10_000;
  return {
    realtimeUsd: round(realtimeUsd),
    transcriptionUsd: round(transcriptionUsd),
    webSearchUsd: round(webSearchUsd),
    totalUsd: round(realtimeUsd + transcriptionUsd + webSearchUsd),
  };
}
