import { ASSUMPTIONS, CALL_FINDINGS, type FindingId } from './call-assumptions';
import type { Finding, Verdict } from './probe-report';

// The findings of the probe's call, kept by id as its steps record them and listed in report
// order (CALL_FINDINGS), whichever step ran first.

export class CallFindings {
  private readonly byId = new Map<FindingId, Finding>();

  record(id: FindingId, expected: string, observed: string, verdict: Verdict): void {
    this.byId.set(id, { id, assumption: ASSUMPTIONS[id], expected, observed, verdict });
  }

  /** Every finding in order; a step that never ran is `unchecked`. */
  ordered(): Finding[] {
    return CALL_FINDINGS.map(
      (id) => this.byId.get(id) ?? { id, assumption: ASSUMPTIONS[id], expected: '—', observed: 'not reached (an earlier step failed)', verdict: 'unchecked' as const },
    );
  }
}
