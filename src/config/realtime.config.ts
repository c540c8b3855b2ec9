import { registerAs } from '@nestjs/config';
import { parseInteger, parsePositiveDecimal } from './env-parsers';
import { readEnv, readParsed } from './read-env';

export const REALTIME_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'] as const;
export type RealtimeVoice = (typeof REALTIME_VOICES)[number];

export const DEFAULT_REALTIME_MODEL = 'gpt-realtime-2';
export const DEFAULT_TRANSCRIPTION_MODEL = 'gpt-4o-mini-transcribe';

export const realtimeConfig = registerAs('realtime', () => ({
  model: readEnv('REALTIME_MODEL') ?? DEFAULT_REALTIME_MODEL,
  voice: (readEnv('REALTIME_VOICE') ?? 'marin') as RealtimeVoice,
  transcriptionModel: readEnv('REALTIME_TRANSCRIPTION_MODEL') ?? DEFAULT_TRANSCRIPTION_MODEL,
  /** Caps one response, which bounds how far a session can overshoot its budget. */
  maxOutputTokens: readParsed('REALTIME_MAX_OUTPUT_TOKENS', (t) => parseInteger(t, 64, 4096), '1024'),
  /** A connection that sends no session.start within this time is closed. */
  idleTimeoutMs: readParsed('SESSION_IDLE_TIMEOUT_SECONDS', parsePositiveDecimal, '30') * 1000,
  /** Ping interval; a peer that misses one pong is terminated. */
  heartbeatIntervalMs: readParsed('WS_HEARTBEAT_INTERVAL_SECONDS', parsePositiveDecimal, '20') * 1000,
}));
