import type { CostUpdate } from '../common/session-ports';
import type { CostSession } from './cost-sessions';
import type { CostSettings } from './cost-settings';
import { toUsd } from './money';

/** Seconds left before the duration limit, once inside the warning period (else undefined). */
export function secondsLeft(session: CostSession, settings: CostSettings, now: number): number | undefined {
  if (!settings.enabled || session.startedAt === undefined) return undefined;
  const left = session.startedAt + settings.maxDurationMs - now;
  return left <= settings.durationWarningMs ? Math.max(0, Math.ceil(left / 1000)) : undefined;
}

/** The `cost.updated` payload for a session: its spend, its budget and any warnings. */
export function costUpdate(session: CostSession, settings: CostSettings, now: number): CostUpdate {
  const update: CostUpdate = { sessionCostUsd: toUsd(session.spentMicro), budgetUsd: toUsd(settings.budgetMicro) };
  if (session.spentMicro >= settings.budgetMicro * settings.budgetWarningRatio) update.budgetWarning = true;
  const left = secondsLeft(session, settings, now);
  if (left !== undefined) update.secondsLeft = left;
  return update;
}
