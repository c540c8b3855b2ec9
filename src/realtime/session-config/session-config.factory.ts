import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { realtimeConfig } from '../../config/realtime.config';
import { TOOL_CATALOG } from '../../common/session-ports';
import type { ToolCatalog } from '../../common/session-ports';
import type {
  RealtimeSessionCreateRequest,
  RealtimeTruncationRetentionRatio,
  SessionCreatedEvent,
  SessionUpdateEvent,
} from 'openai/resources/realtime/realtime';
import { duckInstructions } from './instructions';

/**
 * Bounds on one response's cost: at most REALTIME_MAX_OUTPUT_TOKENS out, and the conversation
 * re-read as input is cut to this many tokens after the instructions (the oldest 20 % dropped
 * when it overflows), so a long call cannot make each turn dearer without limit.
 */
export const TRUNCATION: RealtimeTruncationRetentionRatio = { type: 'retention_ratio', retention_ratio: 0.8, token_limits: { post_instructions: 8_000 } };

/** The session DUCK-E creates every call with, and the parts of it nobody else may change. */
@Injectable()
export class SessionConfigFactory {
  constructor(
    @Inject(realtimeConfig.KEY) private readonly config: ConfigType<typeof realtimeConfig>,
    @Inject(TOOL_CATALOG) private readonly catalog: ToolCatalog,
  ) {}

  get model(): string {
    return this.config.model;
  }

  get transcriptionModel(): string {
    return this.config.transcriptionModel;
  }

  /** The call's session, as the SDK's own request type (a misspelled field does not compile). */
  build(voice: string, languages: string[]): RealtimeSessionCreateRequest {
    return {
      type: 'realtime',
      model: this.config.model,
      instructions: duckInstructions(languages),
      output_modalities: ['audio'],
      max_output_tokens: this.config.maxOutputTokens,
      truncation: TRUNCATION,
      tools: this.catalog.definitions(),
      tool_choice: 'auto',
      audio: {
        input: { transcription: { model: this.config.transcriptionModel } },
        output: { voice },
      },
    };
  }
}

/**
 * The browser's data channel can send any client event, `session.update` included (Realtime has
 * no allow-list for it). The sideband sees the result as `session.updated`; this compares the
 * fields that bound cost and behaviour with what DUCK-E set, and builds the update restoring them.
 *
 * OpenAI may echo a field in a normalised form (a schema reformatted, a default filled in). The
 * value it reports right after our own restore is therefore accepted as an equivalent of ours,
 * so normalisation can never turn into an endless restore loop or a false "tampering" verdict.
 */
export class SessionConfigGuard {
  private readonly expected: Record<PinnedField, string>;
  private readonly echoed: Partial<Record<PinnedField, string>> = {};

  constructor(private readonly pinned: RealtimeSessionCreateRequest) {
    this.expected = {
      instructions: canonical.instructions(pinned.instructions),
      max_output_tokens: canonical.max_output_tokens(pinned.max_output_tokens),
      tools: canonical.tools(pinned.tools),
      truncation: canonical.truncation(pinned.truncation),
    };
  }

  /** Names of pinned fields `session` (from session.created/updated) changed; absent fields are not judged. */
  drift(session: SessionCreatedEvent['session'] | undefined): PinnedField[] {
    if (!session || typeof session !== 'object') return [];
    const actual = session as unknown as Record<string, unknown>;
    return PINNED_FIELDS.filter((field) => {
      if (!(field in actual)) return false;
      const value = canonical[field](actual[field]);
      return value !== this.expected[field] && value !== this.echoed[field];
    });
  }

  /** `session` answered our restore: whatever it still shows for these fields is OpenAI's form of ours. */
  acceptEcho(session: SessionCreatedEvent['session'] | undefined, fields: PinnedField[]): void {
    const actual = (session ?? {}) as unknown as Record<string, unknown>;
    for (const field of fields) this.echoed[field] = canonical[field](actual[field]);
  }

  /** The session.update that puts every pinned field back. */
  restoreEvent(eventId: string): SessionUpdateEvent {
    const { instructions, max_output_tokens, truncation, tools, tool_choice } = this.pinned;
    return { type: 'session.update', event_id: eventId, session: { type: 'realtime', instructions, max_output_tokens, truncation, tools, tool_choice } };
  }
}

export const PINNED_FIELDS = ['instructions', 'max_output_tokens', 'tools', 'truncation'] as const;
export type PinnedField = (typeof PINNED_FIELDS)[number];

/** One comparable string per pinned field. */
const canonical: Record<PinnedField, (value: unknown) => string> = {
  instructions: (value) => String(value),
  max_output_tokens: (value) => String(value),
  // Names and descriptions: OpenAI may reformat the JSON schemas it echoes back.
  tools: (value) =>
    Array.isArray(value)
      ? JSON.stringify(value.map((tool: { name?: unknown; description?: unknown }) => [String(tool?.name), String(tool?.description)]).sort())
      : 'none',
  truncation: (value) => {
    if (!value || typeof value !== 'object') return JSON.stringify(value ?? null);
    const t = value as { type?: unknown; retention_ratio?: unknown; token_limits?: { post_instructions?: unknown } };
    return JSON.stringify([t.type, t.retention_ratio, t.token_limits?.post_instructions ?? null]);
  },
};
