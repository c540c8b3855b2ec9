import { Injectable } from '@nestjs/common';
import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import type { BackendUsage, TranscriptionUsage } from '../common/session-ports';
import { toUsd } from './money';
import { PriceBook, type ResolvedPrice } from './price-book';

/** Token kinds of `ducke_tokens_total{kind}`. Input kinds count uncached tokens; cached ones are `cached_in`. */
export type TokenKind =
  | 'text_in'
  | 'audio_in'
  | 'image_in'
  | 'cached_in'
  | 'text_out'
  | 'audio_out'
  | 'transcription_in'
  | 'transcription_out';

/** One usage event turned into money. */
export interface PricedUsage {
  /** The price-table model it was charged as (a metric label: bounded, from configuration). */
  model: string;
  /** Whole micro-USD, rounded up. */
  micro: number;
  tokens: Partial<Record<TokenKind, number>>;
}

/** The most one response can cost, which is how far a session can overshoot its budget. */
export interface ResponseCeiling {
  model: string;
  contextTokens: number;
  maxOutputTokens: number;
  inputUsd: number;
  outputUsd: number;
  totalUsd: number;
}

type Bucket = 'text' | 'audio' | 'image';
const BUCKETS: readonly Bucket[] = ['text', 'audio', 'image'];

/**
 * Turns the raw usage objects OpenAI sends into micro-USD (docs/cost-protection.md; the
 * usage object of OpenAI's Realtime API), typed as the SDK declares them. Every field is optional
 * there and the objects come off the network, so each is read defensively; tokens the details do
 * not explain are charged at the dearest rate that could apply, so a missing breakdown never makes
 * spend cheaper than it was.
 */
@Injectable()
export class UsageMeter {
  constructor(private readonly prices: PriceBook) {}

  /** The date of the price table in use. */
  pricesAsOf(): string {
    return this.prices.table.asOf;
  }

  /** `response.done` → `response.usage`. Cached tokens are a subset of the input tokens. */
  priceResponse(model: string, usage: RealtimeResponseUsage | undefined): PricedUsage {
    const price = this.prices.resolve(model);
    const r = price.rates;
    const u = asObject(usage);
    const inDetails = asObject(u.input_token_details);
    const cachedDetails = asObject(inDetails.cached_tokens_details);
    const outDetails = asObject(u.output_token_details);

    const input: Record<Bucket, number> = {
      text: count(inDetails.text_tokens),
      audio: count(inDetails.audio_tokens),
      image: count(inDetails.image_tokens),
    };
    // Input the breakdown does not explain: charge it as audio, the dearest input.
    input.audio += Math.max(0, count(u.input_tokens) - input.text - input.audio - input.image);

    const cached: Record<Bucket, number> = {
      text: Math.min(count(cachedDetails.text_tokens), input.text),
      audio: Math.min(count(cachedDetails.audio_tokens), input.audio),
      image: Math.min(count(cachedDetails.image_tokens), input.image),
    };
    // Cached tokens without a breakdown: discount the buckets whose discount is smallest first.
    let unassigned = Math.max(0, count(inDetails.cached_tokens) - cached.text - cached.audio - cached.image);
    const discount = (bucket: Bucket) => fullRate(r, bucket) - cachedRate(r, bucket);
    for (const bucket of [...BUCKETS].sort((a, b) => discount(a) - discount(b))) {
      const take = Math.min(unassigned, input[bucket] - cached[bucket]);
      cached[bucket] += take;
      unassigned -= take;
    }

    let textOut = count(outDetails.text_tokens);
    let audioOut = count(outDetails.audio_tokens);
    const unexplainedOut = Math.max(0, count(u.output_tokens) - textOut - audioOut);
    if (r.audioOut >= r.textOut) audioOut += unexplainedOut;
    else textOut += unexplainedOut;
    // Only a total and no split at all: charge it at the dearest output rate.
    if (input.text + input.audio + input.image + textOut + audioOut === 0) {
      const total = count(u.total_tokens);
      if (r.audioOut >= r.textOut) audioOut += total;
      else textOut += total;
    }

    let micro = 0;
    for (const bucket of BUCKETS) {
      micro += (input[bucket] - cached[bucket]) * fullRate(r, bucket) + cached[bucket] * cachedRate(r, bucket);
    }
    micro += textOut * r.textOut + audioOut * r.audioOut;

    return {
      model: price.model,
      micro: roundUp(micro),
      tokens: nonZero({
        text_in: input.text - cached.text,
        audio_in: input.audio - cached.audio,
        image_in: input.image - cached.image,
        cached_in: cached.text + cached.audio + cached.image,
        text_out: textOut,
        audio_out: audioOut,
      }),
    };
  }

  /**
   * `conversation.item.input_audio_transcription.completed` → `usage`, at the transcription
   * model's rates: `{type:'tokens', input_tokens, output_tokens, input_token_details}` or
   * `{type:'duration', seconds}`.
   */
  priceTranscription(model: string, usage: TranscriptionUsage | undefined): PricedUsage {
    const price = this.prices.resolve(model);
    const u = asObject(usage);
    if (u.type === 'duration' || (u.type === undefined && typeof u.seconds === 'number' && u.input_tokens === undefined)) {
      return { model: price.model, micro: roundUp(seconds(u.seconds) * (price.perMinute / 60) * 1_000_000), tokens: {} };
    }
    const details = asObject(u.input_token_details);
    const text = count(details.text_tokens);
    const audio = count(details.audio_tokens) + Math.max(0, count(u.input_tokens) - text - count(details.audio_tokens));
    const output = count(u.output_tokens);
    const micro = text * price.rates.textIn + audio * price.rates.audioIn + output * price.rates.textOut;
    return { model: price.model, micro: roundUp(micro), tokens: nonZero({ transcription_in: text + audio, transcription_out: output }) };
  }

  /** A tool's own upstream call (web search): its model's token rates plus the per-search fee. */
  priceBackend(usage: BackendUsage): PricedUsage {
    const price = this.prices.resolve(usage.model);
    const r = price.rates;
    const input = count(usage.inputTokens);
    const cached = Math.min(count(usage.cachedInputTokens), input);
    const output = count(usage.outputTokens);
    const searches = count(usage.webSearchCalls);
    const micro =
      (input - cached) * r.textIn + cached * r.textCachedIn + output * r.textOut + searches * this.prices.table.webSearch.perCallUsd * 1_000_000;
    return { model: price.model, micro: roundUp(micro), tokens: nonZero({ text_in: input - cached, cached_in: cached, text_out: output }) };
  }

  /**
   * The dearest single response: a full context window re-read uncached at the dearest input
   * rate, plus `maxOutputTokens` at the dearest output rate. Usage arrives only after a
   * response, so this is how far past its budget one session can get.
   */
  responseCeiling(model: string, maxOutputTokens: number, contextTokens?: number): ResponseCeiling {
    const price = this.prices.resolve(model);
    const r = price.rates;
    const context = contextTokens ?? price.contextTokens;
    const inputMicro = roundUp(context * Math.max(r.textIn, r.audioIn, r.imageIn));
    const outputMicro = roundUp(maxOutputTokens * Math.max(r.textOut, r.audioOut));
    return {
      model: price.model,
      contextTokens: context,
      maxOutputTokens,
      inputUsd: toUsd(inputMicro),
      outputUsd: toUsd(outputMicro),
      totalUsd: toUsd(inputMicro + outputMicro),
    };
  }
}

function fullRate(r: ResolvedPrice['rates'], bucket: Bucket): number {
  return bucket === 'text' ? r.textIn : bucket === 'audio' ? r.audioIn : r.imageIn;
}

function cachedRate(r: ResolvedPrice['rates'], bucket: Bucket): number {
  return bucket === 'text' ? r.textCachedIn : bucket === 'audio' ? r.audioCachedIn : r.imageCachedIn;
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A token count: a finite number ≥ 0, else 0. Fractions are rounded up (never undercount). */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value) : 0;
}

function seconds(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/** tokens × USD per 1M tokens is micro-USD; round up to whole micro-USD (tolerating float noise). */
function roundUp(micro: number): number {
  return Math.max(0, Math.ceil(micro - 1e-6));
}

function nonZero<K extends string>(tokens: Record<K, number>): Partial<Record<K, number>> {
  return Object.fromEntries(Object.entries(tokens).filter(([, value]) => (value as number) > 0)) as Partial<Record<K, number>>;
}
