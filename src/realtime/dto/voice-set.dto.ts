import { IsIn } from 'class-validator';
import { REALTIME_VOICES } from '../../config/realtime.config';

/** `{"type":"voice.set","voice":"<voice>"}` */
export class VoiceSetDto {
  @IsIn(['voice.set'])
  type!: 'voice.set';

  @IsIn(REALTIME_VOICES, { message: `voice must be one of ${REALTIME_VOICES.join(', ')}` })
  voice!: string;
}
