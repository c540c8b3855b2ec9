/** Why a token was refused: the `reason` label of `ducke_auth_refused_total` (a fixed set). */
export type AuthRefusalReason =
  | 'missing'
  | 'invalid_signature'
  | 'algorithm'
  | 'expired'
  | 'not_yet_valid'
  | 'issuer'
  | 'audience'
  | 'revoked'
  | 'lifetime'
  | 'malformed';

export const AUTH_REFUSAL_REASONS: readonly AuthRefusalReason[] = [
  'missing',
  'invalid_signature',
  'algorithm',
  'expired',
  'not_yet_valid',
  'issuer',
  'audience',
  'revoked',
  'lifetime',
  'malformed',
];

/** What the person at the page reads, by reason; `detail` adds a specific in plain words. */
export function refusalMessage(reason: AuthRefusalReason, detail?: string): string {
  const again = 'Please sign in again.';
  switch (reason) {
    case 'missing':
      return 'Please sign in to talk to DUCK-E.';
    case 'expired':
      return `Your sign-in has expired. ${again}`;
    case 'revoked':
      return `Your sign-in was revoked. ${again}`;
    case 'not_yet_valid':
      return 'Your sign-in is not valid yet. Check that your device clock is right, or try again in a moment.';
    case 'invalid_signature':
      return `Your sign-in could not be verified: its signature is not valid. ${again}`;
    case 'algorithm':
      return `Your sign-in could not be verified: it is signed in a way this server does not accept. ${again}`;
    case 'issuer':
      return `Your sign-in was issued by a provider this server does not trust. ${again}`;
    case 'audience':
      return `Your sign-in was issued for a different service. ${again}`;
    case 'lifetime':
      return `Your sign-in lasts longer than this server allows${detail ? ` (${detail})` : ''}. ${again}`;
    case 'malformed':
      return `Your sign-in could not be read${detail ? ` (${detail})` : ''}. ${again}`;
  }
}
