// How money and time are written on the page.

/** US dollars: three decimals under $1 (a turn costs about a cent), two from $1 up. */
export function formatUsd(amount: number): string {
  const value = Number.isFinite(amount) && amount > 0 ? amount : 0;
  return `$${value.toFixed(value < 1 ? 3 : 2)}`;
}

/** A budget as operators write it: "$5", "$0.05". */
export function formatBudget(amount: number): string {
  const value = Number.isFinite(amount) && amount > 0 ? amount : 0;
  return Number.isInteger(value) ? `$${value}` : `$${Number(value.toFixed(4))}`;
}

/** A countdown as m:ss (or h:mm:ss), e.g. 42 → "0:42", 1800 → "30:00". */
export function formatClock(totalSeconds: number): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A length of time in words: 1800 → "30 minutes", 90 → "1 minute 30 seconds". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  const parts: string[] = [];
  if (m > 0) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (s > 0 || m === 0) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return parts.join(' ');
}
