import { parseProbeArgs, ProbeArgsError } from './probe-args';

describe('parseProbeArgs', () => {
  it('defaults to asking and to probe-report.json', () => {
    expect(parseProbeArgs([])).toEqual({ yes: false, out: 'probe-report.json', help: false });
  });

  it('reads --yes, --out and --help', () => {
    expect(parseProbeArgs(['--yes', '--out', '/tmp/r.json'])).toEqual({ yes: true, out: '/tmp/r.json', help: false });
    expect(parseProbeArgs(['-y', '--out=r.json', '--help'])).toEqual({ yes: true, out: 'r.json', help: true });
  });

  it('refuses unknown arguments and an --out without a file', () => {
    expect(() => parseProbeArgs(['--force'])).toThrow(ProbeArgsError);
    expect(() => parseProbeArgs(['--out'])).toThrow('--out needs a file name');
    expect(() => parseProbeArgs(['--out', '--yes'])).toThrow('--out needs a file name');
    expect(() => parseProbeArgs(['--out='])).toThrow('--out needs a file name');
  });
});
