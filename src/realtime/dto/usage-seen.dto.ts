import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { USAGE_SEEN_MAX } from '../../common/session-wire';

/**
 * `{"type":"usage.seen","responses":N,"inputTokens":N,"outputTokens":N,"final"?:true}` — the
 * page's cumulative count of `response.done` events on its data channel and their usage.
 */
export class UsageSeenDto {
  @IsIn(['usage.seen'])
  type!: 'usage.seen';

  @IsInt()
  @Min(0)
  @Max(USAGE_SEEN_MAX)
  responses!: number;

  @IsInt()
  @Min(0)
  @Max(USAGE_SEEN_MAX)
  inputTokens!: number;

  @IsInt()
  @Min(0)
  @Max(USAGE_SEEN_MAX)
  outputTokens!: number;

  @IsOptional()
  @IsBoolean()
  final?: boolean;
}
