// Runs `zorgpost serve` as a real child process (what `npm start` runs) on free loopback ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { BIN } from './cli.ts';
import { distinctFreePorts } from './harness.ts';

export interface ServeProcess {
  child: ChildProcess;
  ports: { smtps: number; submission: number; imaps: number; pop3s: number; https: number; ldaps: number };
  /** Everything the process printed to stdout so far. */
  stdout(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function freePorts(): Promise<ServeProcess['ports']> {
  const [smtps, submission, imaps, pop3s, https, ldaps] = await distinctFreePorts(6);
  return { smtps: smtps!, submission: submission!, imaps: imaps!, pop3s: pop3s!, https: https!, ldaps: ldaps! };
}

/** Starts the server and resolves once it has printed its listeners (or rejects with its output). */
export async function startServeProcess(
  dataDir: string,
  options: { ports?: Partial<ServeProcess['ports']>; env?: NodeJS.ProcessEnv; args?: string[] } = {},
): Promise<ServeProcess> {
  const ports = { ...(await freePorts()), ...options.ports };
  const child = spawn(process.execPath, [BIN, '--data', dataDir, ...(options.args ?? []), 'serve'], {
    env: {
      ...process.env,
      ZORGPOST_HOSTNAME: 'localhost',
      ZORGPOST_LISTEN_ADDRESS: '127.0.0.1',
      ZORGPOST_SMTPS_PORT: String(ports.smtps),
      ZORGPOST_SUBMISSION_PORT: String(ports.submission),
      ZORGPOST_IMAPS_PORT: String(ports.imaps),
      ZORGPOST_POP3S_PORT: String(ports.pop3s),
      ZORGPOST_HTTPS_PORT: String(ports.https),
      ZORGPOST_LDAPS_PORT: String(ports.ldaps),
      ZORGPOST_LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const started = Date.now();
  // serve prints its summary in one write, after every listener is bound.
  while (!/Zorgpost is running[\s\S]*\n$/.test(out)) {
    if (child.exitCode !== null) throw new Error(`zorgpost serve exited ${child.exitCode}\n${out}\n${err}`);
    if (Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`zorgpost serve did not start within 30 s\n${out}\n${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    ports,
    stdout: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}
