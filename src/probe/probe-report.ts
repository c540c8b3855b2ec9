// The probe's findings: one row per assumption DUCK-E makes about the real API, the events each
// connection saw, and what every response cost. Printed as tables and written as JSON.

/**
 * `pass`: the API behaved as the server assumes. `fail`: it did not (the docs say what that
 * means for a deployment). `unchecked`: this run could not observe it. `info`: recorded for the
 * operator; the server does not depend on it.
 */
export type Verdict = 'pass' | 'fail' | 'unchecked' | 'info';

export interface Finding {
  /** Stable id, used in the docs (docs/probe.md) and by scripts reading the JSON. */
  id: string;
  assumption: string;
  expected: string;
  observed: string;
  verdict: Verdict;
}

/** Which connection saw how many events of one type. */
export interface EventCount {
  type: string;
  datachannel: number;
  sideband: number;
}

/** One response of the probe's call, as both connections saw it, with its price. */
export interface ResponseRecord {
  id: string;
  /** Who asked for it; `other`: nobody the probe knows (voice activity, for instance). */
  startedBy: 'sideband' | 'datachannel' | 'other';
  seenOnDatachannel: boolean;
  seenOnSideband: boolean;
  status?: string;
  usage?: unknown;
  /** Priced with the project's price book (USD); undefined without usage. */
  costUsd?: number;
}

/** One POST …/hangup: its status (null: no answer) and the start of its body. */
export interface HangupRecord {
  status: number | null;
  body: string;
}

export interface ProbeReport {
  startedAt: string;
  baseUrl: string;
  model: string;
  pricesAsOf: string;
  maxSpendUsd: number;
  spentUsd: number;
  findings: Finding[];
  events: EventCount[];
  responses: ResponseRecord[];
  hangups: HangupRecord[];
  exitCode: number;
}

/** 0: every assumption held. 1: one failed. 3: none failed, but some could not be checked. */
export function exitCodeFor(findings: Finding[]): number {
  if (findings.some((finding) => finding.verdict === 'fail')) return 1;
  if (findings.some((finding) => finding.verdict === 'unchecked')) return 3;
  return 0;
}

const VERDICT_LABEL: Record<Verdict, string> = { pass: 'PASS', fail: 'FAIL', unchecked: 'NOT CHECKED', info: 'info' };

/** A plain-text table; cells are cut at their column's width so a long body cannot wreck the layout (the JSON has them whole). */
export function table(headers: string[], rows: string[][], widths: number[] = []): string {
  const cut = (cell: string, column: number) => {
    const flat = cell.replace(/\s+/g, ' ');
    const width = widths[column] ?? 60;
    return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
  };
  const cells = [headers, ...rows].map((row) => row.map(cut));
  const sizes = headers.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(sizes[column])).join(' | ').trimEnd();
  return [line(cells[0]), sizes.map((size) => '-'.repeat(size)).join('-+-'), ...cells.slice(1).map(line)].join('\n');
}

export function renderReport(report: ProbeReport): string {
  const findings = table(
    ['assumption', 'expected', 'observed', 'verdict'],
    report.findings.map((finding) => [`${finding.id}: ${finding.assumption}`, finding.expected, finding.observed, VERDICT_LABEL[finding.verdict]]),
    [100, 56, 72, 11],
  );
  const events = table(
    ['event type', 'data channel', 'sideband'],
    report.events.map((count) => [count.type, String(count.datachannel), String(count.sideband)]),
  );
  const responses = table(
    ['response', 'started by', 'data channel', 'sideband', 'status', 'cost'],
    report.responses.map((response) => [
      response.id,
      response.startedBy,
      response.seenOnDatachannel ? 'seen' : 'missing',
      response.seenOnSideband ? 'seen' : 'missing',
      response.status ?? '?',
      response.costUsd === undefined ? 'no usage' : `$${response.costUsd.toFixed(6)}`,
    ]),
  );
  const failed = report.findings.filter((finding) => finding.verdict === 'fail').map((finding) => finding.id);
  const unchecked = report.findings.filter((finding) => finding.verdict === 'unchecked').map((finding) => finding.id);
  const summary =
    failed.length > 0
      ? `FAILED: ${failed.join(', ')} — see docs/probe.md for what each means for this deployment.`
      : unchecked.length > 0
        ? `Nothing failed, but not checked: ${unchecked.join(', ')}.`
        : 'Every assumption DUCK-E relies on held.';
  return [
    `DUCK-E probe of ${report.baseUrl} (model ${report.model}, prices as of ${report.pricesAsOf})`,
    '',
    findings,
    '',
    'Events seen, by connection:',
    events,
    '',
    'Responses:',
    responses,
    '',
    `Spent about $${report.spentUsd.toFixed(4)} of the announced at most $${report.maxSpendUsd.toFixed(4)}.`,
    summary,
    '',
  ].join('\n');
}
