// The fake's check of a session config, as the real API does it: a field the API does not know
// is refused with `invalid_request_error` / `unknown_parameter`, naming the field's path. The
// field lists are typed against the `openai` SDK's request types (every key, and only those), so
// when the SDK adds, renames or drops a field, `npm run typecheck` fails here until the fake
// follows.
import type {
  AudioTranscription,
  RealtimeAudioConfig,
  RealtimeAudioConfigInput,
  RealtimeAudioConfigOutput,
  RealtimeFunctionTool,
  RealtimeReasoning,
  RealtimeSessionCreateRequest,
  RealtimeTruncationRetentionRatio,
} from 'openai/resources/realtime/realtime';

/** A leaf (any value; the fake does not judge values), or an object whose fields are checked. */
type Node = true | { readonly fields: Fields<object> } | { readonly each: Node } | { readonly variant: (value: object) => Node };
/** Exactly the keys of T: a missing or an extra key does not compile. */
type Fields<T> = { readonly [K in keyof Required<T>]: Node };

const object = <T>(fields: Fields<T>): Node => ({ fields: fields as Fields<object> });

const TRANSCRIPTION = object<AudioTranscription>({ delay: true, keywords: true, language: true, languages: true, model: true, prompt: true });
const NOISE_REDUCTION = object<NonNullable<RealtimeAudioConfigInput['noise_reduction']>>({ strength: true, type: true });
const AUDIO_INPUT = object<RealtimeAudioConfigInput>({ format: true, noise_reduction: NOISE_REDUCTION, transcription: TRANSCRIPTION, turn_detection: true });
const AUDIO_OUTPUT = object<RealtimeAudioConfigOutput>({ format: true, speed: true, voice: true });
const AUDIO = object<RealtimeAudioConfig>({ input: AUDIO_INPUT, output: AUDIO_OUTPUT });
const TOKEN_LIMITS = object<NonNullable<RealtimeTruncationRetentionRatio['token_limits']>>({ post_instructions: true });
const RETENTION_RATIO = object<RealtimeTruncationRetentionRatio>({ retention_ratio: true, type: true, token_limits: TOKEN_LIMITS });
const FUNCTION_TOOL = object<RealtimeFunctionTool>({ description: true, name: true, parameters: true, type: true });
const REASONING = object<RealtimeReasoning>({ effort: true });

const SESSION = object<RealtimeSessionCreateRequest>({
  type: true,
  audio: AUDIO,
  include: true,
  instructions: true,
  max_output_tokens: true,
  model: true,
  output_modalities: true,
  parallel_tool_calls: true,
  prompt: true,
  reasoning: REASONING,
  tool_choice: true,
  // Function tools are checked field by field; MCP tools are passed through.
  tools: { each: { variant: (tool) => ((tool as { type?: unknown }).type === 'mcp' ? true : FUNCTION_TOOL) } },
  tracing: true,
  // 'auto' | 'disabled' | a retention-ratio object.
  truncation: RETENTION_RATIO,
});

/** The real API's error body for a refused request (HTTP 400, or an `error` event's `error`). */
export interface InvalidRequest {
  message: string;
  type: 'invalid_request_error';
  param: string;
  code: 'unknown_parameter' | 'invalid_type' | 'missing_required_parameter';
}

/** The first problem in `session` (a `session.type: "realtime"` config), or undefined when it is acceptable. */
export function validateSessionConfig(session: unknown, path = 'session'): InvalidRequest | undefined {
  if (!isObject(session)) return { message: `Invalid type for '${path}': expected an object.`, type: 'invalid_request_error', param: path, code: 'invalid_type' };
  if (session.type === undefined) {
    return { message: `Missing required parameter: '${path}.type'.`, type: 'invalid_request_error', param: `${path}.type`, code: 'missing_required_parameter' };
  }
  // A transcription-only session has its own request type; DUCK-E never sends one.
  if (session.type !== 'realtime') return undefined;
  return check(SESSION, session, path);
}

function check(node: Node, value: unknown, path: string): InvalidRequest | undefined {
  if (node === true || !isObject(value)) return undefined;
  if ('variant' in node) return check(node.variant(value), value, path);
  if ('each' in node) {
    if (!Array.isArray(value)) return undefined;
    for (const [index, element] of value.entries()) {
      const problem = check(node.each, element, `${path}[${index}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  const fields = node.fields as Record<string, Node>;
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}.${key}`;
    if (!Object.hasOwn(fields, key)) {
      return { message: `Unknown parameter: '${childPath}'.`, type: 'invalid_request_error', param: childPath, code: 'unknown_parameter' };
    }
    const problem = check(fields[key], child, childPath);
    if (problem) return problem;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
