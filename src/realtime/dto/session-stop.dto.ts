import { IsIn } from 'class-validator';

/** `{"type":"session.stop"}` */
export class SessionStopDto {
  @IsIn(['session.stop'])
  type!: 'session.stop';
}
