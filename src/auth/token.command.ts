// Entry point of `npm run token` (scripts/token.sh runs the compiled dist/auth/token.command.js).
// The token goes to stdout alone, so `TOKEN=$(npm run -s token -- --sub alice)` works; what it is
// goes to stderr. Settings come from `.env` and the environment, validated as at start-up.
import { checkEnvironmentAtBoot, ConfigValidationError } from '../config/environment';
import { mintToken, parseTokenArgs, TOKEN_USAGE, TokenCommandError } from './token-minter';

function main(): number {
  try {
    const request = parseTokenArgs(process.argv.slice(2));
    if (!request) {
      process.stdout.write(`${TOKEN_USAGE}\n`);
      return 0;
    }
    const minted = mintToken(checkEnvironmentAtBoot(), request, Date.now());
    process.stdout.write(`${minted.token}\n`);
    process.stderr.write(
      `Token for sub ${JSON.stringify(minted.sub)}, jti ${minted.jti}, valid until ${new Date(minted.exp * 1000).toISOString()}.\n` +
        'Send it as the ducke_token cookie (HttpOnly, Secure, SameSite=Strict) or as Authorization: Bearer.\n' +
        `Revoke it with: POST /admin/tokens/revoke {"jti":"${minted.jti}","exp":${minted.exp}}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof TokenCommandError || error instanceof ConfigValidationError) {
      process.stderr.write(`token: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main();
