import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `POST /admin/tokens/revoke` body (docs/authentication.md). */
export class RevokeTokenDto {
  /** The token's `jti` claim. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  jti!: string;

  /** The token's `exp` claim (seconds since the epoch): the entry is kept until then. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(253_402_300_799) // 9999-12-31
  exp?: number;
}
