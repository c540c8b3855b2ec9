import type { ValidationError } from 'class-validator';
import { parseJsonObject, validatedDto } from '../../common/dto-parsing';
import type { SessionClientMessageType } from '../../common/session-wire';
import { SessionStartDto } from '../dto/session-start.dto';
import { SessionStopDto } from '../dto/session-stop.dto';
import { UsageSeenDto } from '../dto/usage-seen.dto';
import { VoiceSetDto } from '../dto/voice-set.dto';
import { checkOffer } from './sdp-offer.validator';
import type { ErrorCode } from './server-messages';

// Browser → server messages of /session (docs/protocol.md): one DTO per type, validated with
// class-validator before anything acts on them. Messages are flat JSON objects; nested values,
// unknown fields and prototype-shaped keys are refused before the DTO is built, so nothing
// downstream ever walks attacker-shaped structures. Unknown fields are refused against each
// type's own field list, not left to class-validator's whitelist, which lets keys named after
// Object.prototype members (hasOwnProperty, __defineGetter__…) through.

export type InboundMessage = SessionStartDto | VoiceSetDto | SessionStopDto | UsageSeenDto;

export type ParseResult = { ok: true; message: InboundMessage } | { ok: false; code: ErrorCode; message: string };

type MessageType = SessionClientMessageType;

/** Typed by session-wire.ts's list: a type added there does not compile until it is parsed here. */
const DTO_BY_TYPE: Record<MessageType, typeof SessionStartDto | typeof VoiceSetDto | typeof SessionStopDto | typeof UsageSeenDto> = {
  'session.start': SessionStartDto,
  'voice.set': VoiceSetDto,
  'session.stop': SessionStopDto,
  'usage.seen': UsageSeenDto,
};

/** The fields each message type may carry. */
const FIELDS: Record<MessageType, readonly string[]> = {
  'session.start': ['type', 'sdp', 'voice'],
  'voice.set': ['type', 'voice'],
  'session.stop': ['type'],
  'usage.seen': ['type', 'responses', 'inputTokens', 'outputTokens', 'final'],
};

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const refuse = (message: string, code: ErrorCode = 'bad_message'): ParseResult => ({ ok: false, code, message });

export function parseInboundMessage(data: Buffer | string, isBinary: boolean): ParseResult {
  if (isBinary) return refuse('Send JSON text frames, not binary.');
  const parsed = parseJsonObject(typeof data === 'string' ? data : data.toString('utf8'));
  if (!parsed.ok) return refuse(parsed.problem === 'not_json' ? 'The message is not valid JSON.' : 'A message must be a JSON object with a "type".');

  const fields = parsed.value;
  for (const key of Object.keys(fields)) {
    if (FORBIDDEN_KEYS.has(key)) return refuse(`The field "${key}" is not allowed.`);
    const field = fields[key];
    if (field !== null && typeof field === 'object') return refuse(`The field "${key.slice(0, 40)}" must be a plain value.`);
  }
  const type = fields.type;
  if (typeof type !== 'string') return refuse('A message must have a string "type".');
  if (!Object.hasOwn(DTO_BY_TYPE, type)) return refuse(`Unknown message type "${type.slice(0, 40)}".`);
  const allowed = FIELDS[type as MessageType];
  const unknown = Object.keys(fields).find((key) => !allowed.includes(key));
  if (unknown !== undefined) return refuse(`The field "${unknown.slice(0, 40)}" is not part of ${type}.`);

  // Only the declared fields are copied onto the DTO.
  const { dto, errors } = validatedDto<InboundMessage>(DTO_BY_TYPE[type as MessageType], fields, allowed);
  if (errors.length) {
    const onlyVoice = errors.every((error) => error.property === 'voice');
    return refuse(describe(errors), onlyVoice ? 'invalid_voice' : 'bad_message');
  }
  if (dto instanceof SessionStartDto) {
    // A plausible browser offer, minus candidates for addresses off the internet (sdp-offer.validator.ts).
    const offer = checkOffer(dto.sdp);
    if (!offer.ok) return refuse(offer.problem);
    dto.sdp = offer.sdp;
  }
  return { ok: true, message: dto };
}

function describe(errors: ValidationError[]): string {
  const messages = errors.flatMap((error) => Object.values(error.constraints ?? {}));
  return `Invalid message: ${messages.join('; ')}.`;
}
