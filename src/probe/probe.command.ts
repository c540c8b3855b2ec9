// Entry point of `npm run probe` (scripts/probe.sh runs the compiled dist/probe/probe.command.js):
// a live conformance check of this deployment against the OpenAI API. The table goes to stdout,
// everything else (the spending question, warnings) to stderr. See docs/probe.md.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { checkEnvironmentAtBoot, ConfigValidationError } from '../config/environment';
import { ProbeSetupError } from './headless-peer';
import { parseProbeArgs, PROBE_USAGE, ProbeArgsError } from './probe-args';
import { renderReport } from './probe-report';
import { ProbeRunner } from './probe-runner';

/** The probe did not run: bad arguments, no key, no consent, or it could not set itself up. */
const NOT_RUN = 2;

function refuse(message: string): number {
  process.stderr.write(`probe: ${message}\n`);
  return NOT_RUN;
}

async function consent(yes: boolean, question: string): Promise<boolean | 'no-terminal'> {
  if (yes) return true;
  if (!process.stdin.isTTY) return 'no-terminal';
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseProbeArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof ProbeArgsError) return refuse(`${error.message}\n\n${PROBE_USAGE}`);
    throw error;
  }
  if (args.help) {
    process.stdout.write(`${PROBE_USAGE}\n`);
    return 0;
  }
  let env: Record<string, string>;
  try {
    env = checkEnvironmentAtBoot();
  } catch (error) {
    if (error instanceof ConfigValidationError) return refuse(error.message);
    throw error;
  }
  if (!env.OPENAI_API_KEY) {
    return refuse('OPENAI_API_KEY is not set. The probe checks the real OpenAI API with the key this service uses: set it in .env or the environment, then run it again.');
  }

  const runner = await ProbeRunner.boot();
  try {
    const bound = runner.spendBound();
    process.stderr.write(
      `The probe makes one short call to ${runner.model} at ${runner.openai.baseUrl}, five web searches and one weather look-up.\n` +
        `It will spend at most $${bound.totalUsd.toFixed(4)} on the account of OPENAI_API_KEY ` +
        `(call $${bound.realtimeUsd.toFixed(4)}, transcription $${bound.transcriptionUsd.toFixed(4)}, web searches $${bound.webSearchUsd.toFixed(4)}).\n`,
    );
    const agreed = await consent(args.yes, 'Go ahead? [y/N] ');
    if (agreed === 'no-terminal') return refuse('stdin is not a terminal, so the probe cannot ask before spending: run it with --yes to agree.');
    if (!agreed) return refuse('nothing was spent.');

    let report;
    try {
      report = await runner.run(bound);
    } catch (error) {
      if (error instanceof ProbeSetupError) return refuse(error.message);
      throw error;
    }
    process.stdout.write(renderReport(report));
    writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`Report written to ${args.out}\n`);
    return report.exitCode;
  } finally {
    await runner.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`probe failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = NOT_RUN;
  },
);
