import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, waitFor } from './ports';

export const ROOT = join(__dirname, '..', '..');
export const MAIN_JS = join(ROOT, 'dist', 'main.js');

export interface SpawnedApp {
  child: ChildProcess;
  url: string;
  port: number;
  output(): string;
  /** Resolves with the exit code (or signal name) when the process has exited and its output is read. */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Run the built service (`node dist/main.js`, what the container runs) with `env`. */
export function runBuiltApp(env: Record<string, string>, cwd = ROOT): { child: ChildProcess; output(): string; exited: Promise<number | string> } {
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd,
    env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS, LOG_LEVEL: 'info', ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': the process's last lines may still be in the pipe when it exits.
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => output, exited };
}

/** Start the built service on a free port and wait until /status answers. */
export async function spawnApp(env: Record<string, string> = {}, cwd = ROOT): Promise<SpawnedApp> {
  const port = await freePort();
  const run = runBuiltApp({ HOST: '127.0.0.1', PORT: String(port), ...env }, cwd);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (run.child.exitCode !== null) throw new Error(`app exited early:\n${run.output()}`);
    return (await fetch(`${url}/status`)).status === 200;
  }, 45_000); // a second alone; a busy machine can take far longer to boot a process
  return {
    ...run,
    url,
    port,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (run.child.exitCode === null) run.child.kill(signal);
      return run.exited;
    },
  };
}
