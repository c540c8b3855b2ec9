import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { SESSION_WIRE_LIMITS } from '../../common/session-wire';
import { REALTIME_VOICES } from '../../config/realtime.config';

/** Offers from browsers are a few KB; anything near the frame limit is not a real offer. */
export const MAX_OFFER_LENGTH = SESSION_WIRE_LIMITS.maxOfferChars;

/** `{"type":"session.start","sdp":"<offer>","voice"?:"<voice>"}` — once per connection. */
export class SessionStartDto {
  @IsIn(['session.start'])
  type!: 'session.start';

  /** A WebRTC offer: SDP text (`v=0` first, an audio m-line, printable lines only). */
  @IsString()
  @MaxLength(MAX_OFFER_LENGTH, { message: `sdp must be at most ${MAX_OFFER_LENGTH} characters` })
  @Matches(/^v=0\r?\n/, { message: 'sdp must be an SDP offer (starting with v=0)' })
  @Matches(/\r?\nm=audio /, { message: 'sdp must offer an audio stream' })
  @Matches(/^(?:[^\p{Cc}]|[\r\n\t])*$/u, { message: 'sdp must not contain control characters' })
  sdp!: string;

  @IsOptional()
  @IsIn(REALTIME_VOICES, { message: `voice must be one of ${REALTIME_VOICES.join(', ')}` })
  voice?: string;
}
