// A `zorgpost serve` child process (serve-process.ts) as the end-to-end tests use it: something to
// kill -9 and start again on the same data directory and ports, with the CA its clients trust, and
// the admin CLI's JSON output (cli.ts) on the same data directory.
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCliJson } from './cli.ts';
import { freePorts, startServeProcess, type ServeProcess } from './serve-process.ts';

export type ChildPorts = ServeProcess['ports'];

/** `zorgpost --data <dataDir> <args> --json`, parsed; rejects on a non-zero exit. */
export function runCli<T>(dataDir: string, args: string[]): Promise<T> {
  return runCliJson<T>(['--data', dataDir, ...args]);
}

export class ChildServer {
  readonly dataDir: string;
  readonly ports: ChildPorts;
  readonly ca: Buffer;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #process: ServeProcess;

  private constructor(dataDir: string, process: ServeProcess, ca: Buffer) {
    this.dataDir = dataDir;
    this.#process = process;
    this.ports = process.ports;
    this.ca = ca;
    const { child } = process;
    this.exited =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve({ code: child.exitCode, signal: child.signalCode })
        : once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  }

  /**
   * Starts `zorgpost serve` on `dataDir` and resolves once it has printed its listeners. `ports`
   * reuses the ports of an earlier run (a restart); otherwise free ones are picked, and picked again
   * if another process takes one first.
   */
  static async start(dataDir: string, ports?: ChildPorts): Promise<ChildServer> {
    for (let attempt = 1; ; attempt++) {
      try {
        const process = await startServeProcess(dataDir, { ports: ports ?? (await freePorts()), env: { ZORGPOST_LOGIN_FAILURE_DELAY_MS: '0' } });
        return new ChildServer(dataDir, process, await readFile(join(dataDir, 'tls', 'ca.pem')));
      } catch (error) {
        if (ports || attempt >= 3 || !/EADDRINUSE/.test(String(error))) throw error;
      }
    }
  }

  /** SIGKILL, now: no shutdown code runs (kill -9). */
  kill9(): void {
    this.#process.child.kill('SIGKILL');
  }

  /** A clean stop (SIGTERM). */
  stop(): Promise<void> {
    return this.#process.stop('SIGTERM');
  }
}
