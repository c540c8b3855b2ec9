import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { URL_MAX_CHARS } from '../url-policy';

export const MAX_CHARS_MIN = 200;
export const MAX_CHARS_MAX = 20_000;
export const MAX_CHARS_DEFAULT = 4_000;

export class WebFetchArgs {
  @IsString({ message: 'must be a web address (text)' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(URL_MAX_CHARS, { message: `must be at most ${URL_MAX_CHARS} characters` })
  // Control characters and spaces never belong in an address (and would hide what it is).
  @Matches(/^[^\s\p{Cc}\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]+$/u, { message: 'must be one web address, without spaces or control characters' })
  url!: string;

  @IsOptional()
  @IsInt({ message: 'must be a whole number of characters' })
  @Min(MAX_CHARS_MIN, { message: `must be ${MAX_CHARS_MIN} to ${MAX_CHARS_MAX}` })
  @Max(MAX_CHARS_MAX, { message: `must be ${MAX_CHARS_MIN} to ${MAX_CHARS_MAX}` })
  max_chars: number = MAX_CHARS_DEFAULT;
}
