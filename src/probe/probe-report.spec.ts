import { exitCodeFor, Finding, ProbeReport, renderReport, table, Verdict } from './probe-report';

const finding = (id: string, verdict: Verdict): Finding => ({ id, assumption: `${id} holds`, expected: 'yes', observed: 'yes', verdict });

const report = (findings: Finding[]): ProbeReport => ({
  startedAt: '2026-12-04T03:00:00.000Z',
  baseUrl: 'https://api.openai.com/v1',
  model: 'gpt-realtime-2',
  pricesAsOf: '2026-11-25',
  maxSpendUsd: 0.4,
  spentUsd: 0.05,
  findings,
  events: [{ type: 'response.done', datachannel: 2, sideband: 1 }],
  responses: [{ id: 'resp_1', startedBy: 'datachannel', seenOnDatachannel: true, seenOnSideband: false, status: 'completed' }],
  hangups: [],
  exitCode: exitCodeFor(findings),
});

describe('the probe report', () => {
  it('exits 0 only when every assumption held; a failure wins over what could not be checked', () => {
    expect(exitCodeFor([finding('a', 'pass'), finding('b', 'info')])).toBe(0);
    expect(exitCodeFor([finding('a', 'pass'), finding('b', 'unchecked')])).toBe(3);
    expect(exitCodeFor([finding('a', 'fail'), finding('b', 'unchecked')])).toBe(1);
  });

  it('names the failed assumptions in its last line, and says when all held', () => {
    const failed = renderReport(report([finding('call.create', 'pass'), finding('response.browser_on_sideband', 'fail')]));
    expect(failed).toContain('FAILED: response.browser_on_sideband — see docs/probe.md');
    expect(failed).toMatch(/response\.browser_on_sideband: response\.browser_on_sideband holds \| yes +\| yes +\| FAIL/);
    expect(failed).toMatch(/resp_1 +\| datachannel \| seen +\| missing +\| completed \| no usage/);
    expect(renderReport(report([finding('a', 'pass'), finding('b', 'unchecked')]))).toContain('Nothing failed, but not checked: b.');
    expect(renderReport(report([finding('a', 'pass')]))).toContain('Every assumption DUCK-E relies on held.');
  });

  it('cuts long cells and flattens line breaks, so an error body cannot break the table', () => {
    const text = table(['h1', 'h2'], [['x'.repeat(30), 'line one\nline two']], [10, 40]);
    expect(text.split('\n')).toEqual(['h1         | h2', `${'-'.repeat(10)}-+-${'-'.repeat(17)}`, `${'x'.repeat(9)}… | line one line two`]);
  });
});
