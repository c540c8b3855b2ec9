import { createHash } from 'node:crypto';
import type { WindowRef } from '../storage/state-store';
import type { CostSettings } from './cost-settings';

// Where the cost ledger keeps its figures in the StateStore (shared by every instance on one Redis).

export const HOLDS = 'cost:holds';
export const HOUR = 'cost:hour';
/** Spend per window bucket, kept separately so a refusal can say when enough of it rolls out. */
export const SLOT = 'cost:hour-slot';

/** One slot is its own small window, kept twice as long as the rolling window it explains. */
export function slotRef(settings: CostSettings, prefix: string, slot: number): WindowRef {
  return { key: `${prefix}:${slot}`, windowMs: 2 * settings.windowMs };
}

export function sessionKey(sessionId: string): string {
  return `cost:session:${boundedKey(sessionId)}`;
}

export interface UserRefs {
  window: WindowRef;
  pool: string;
  slot: string;
  capMicro: number;
}

/** The user's window, pool and cap, when a user cap applies to this identity. */
export function userRefs(settings: CostSettings, userKey: string | undefined): UserRefs | undefined {
  const capMicro = settings.userCapMicro;
  if (!userKey || capMicro === undefined) return undefined;
  // A hash: the subject never appears in Redis keys, and any length or character is fine.
  const id = createHash('sha256').update(userKey).digest('base64url').slice(0, 22);
  return { window: { key: `cost:user:${id}:hour`, windowMs: settings.windowMs }, pool: `cost:user:${id}:holds`, slot: `cost:user:${id}:slot`, capMicro };
}

/** Ids come from OpenAI and the realtime module; keep keys short whatever they send. */
export function boundedKey(id: string): string {
  return id.length <= 120 ? id : createHash('sha256').update(id).digest('base64url');
}
