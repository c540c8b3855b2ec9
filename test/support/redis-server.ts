import { ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort, sleep, waitFor } from './ports';

/**
 * A real redis-server (Debian package) on a free loopback port, owned by the test that
 * started it: it can be killed, frozen (SIGSTOP), resumed and restarted on the same port.
 */
export class RedisServer {
  private process: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  async launch(): Promise<void> {
    const binary = process.env.REDIS_SERVER_BIN ?? 'redis-server';
    this.process = spawn(binary, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    this.process.on('error', (error) => {
      throw new Error(`could not start ${binary}: ${error.message} (apt-get install -y redis-server)`);
    });
    await waitFor(() => this.ping(), 10_000);
  }

  /** SIGKILL: Redis dies with no goodbye. */
  async kill(): Promise<void> {
    const child = this.process;
    // A process killed by a signal has a signalCode and no exitCode.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  freeze(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  async restart(): Promise<void> {
    await this.kill();
    await sleep(50);
    await this.launch();
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill();
  }

  /** Send one raw command (RESP inline) and return the first reply line. */
  command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ port: this.port, host: '127.0.0.1' });
      socket.setTimeout(1_000, () => {
        socket.destroy();
        reject(new Error('redis timeout'));
      });
      socket.on('error', reject);
      socket.once('data', (data) => {
        socket.end();
        resolve(data.toString().trim());
      });
      socket.write(`${line}\r\n`);
    });
  }

  private async ping(): Promise<boolean> {
    return (await this.command('PING')) === '+PONG';
  }
}
