// `npm run probe -- [--yes] [--out <file>]`

export interface ProbeArgs {
  /** Skip the spending question (needed when stdin is not a terminal). */
  yes: boolean;
  /** Where the JSON report goes. */
  out: string;
  help: boolean;
}

export const PROBE_USAGE = `Usage: npm run probe -- [--yes] [--out <file>]

Checks this deployment's assumptions about the OpenAI Realtime API with one short real call,
five web searches and one weather look-up, using OPENAI_API_KEY and the rest of the service's
configuration (.env and the environment). Prints a table and writes it as JSON.

  --yes         do not ask before spending (required when stdin is not a terminal)
  --out <file>  the JSON report (default: probe-report.json)
  --help        this text

Exit codes: 0 every assumption held; 1 one failed; 2 the probe did not run;
3 nothing failed but something could not be checked. See docs/probe.md.`;

export class ProbeArgsError extends Error {}

export function parseProbeArgs(argv: string[]): ProbeArgs {
  const args: ProbeArgs = { yes: false, out: 'probe-report.json', help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--yes' || arg === '-y') args.yes = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--out') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) throw new ProbeArgsError('--out needs a file name');
      args.out = value;
    } else if (arg.startsWith('--out=')) args.out = arg.slice('--out='.length);
    else throw new ProbeArgsError(`unknown argument ${JSON.stringify(arg)}`);
  }
  if (!args.out) throw new ProbeArgsError('--out needs a file name');
  return args;
}
