// What every CLI command shares: the global options, the effective configuration, opening the
// services on the data directory (whether or not a server runs on it), and output in text or JSON.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { pino, type Logger } from 'pino';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { hasDatabase, openServices, type Services } from '../main.ts';
import { UserError } from '../errors.ts';
import type { Actor } from '../identity/identity-service.ts';

export interface GlobalOptions {
  data?: string;
  config?: string;
  json?: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function effectiveConfig(options: GlobalOptions): Config {
  return loadConfig({ configFile: options.config, dataDir: options.data });
}

export function cliLogger(config: Config): Logger {
  // CLI output goes to stdout; diagnostics to stderr so `--json` output stays parseable.
  return pino({ level: config.log.level === 'info' ? 'warn' : config.log.level }, pino.destination(2));
}

/** Runs `work` on the services of the data directory. Only commands that may start a new
 * installation (`create`) make a database where none is: anything else on a wrong --data would
 * silently work on an empty one the server never reads. */
export async function withServices<T>(
  command: Command,
  work: (services: Services, options: GlobalOptions) => Promise<T>,
  { create = false }: { create?: boolean } = {},
): Promise<T> {
  const options = globalOptions(command);
  const config = effectiveConfig(options);
  const isNew = !hasDatabase(config);
  if (isNew && !create) {
    throw new UserError(
      'NONEXISTENT',
      `no Zorgpost data in ${config.dataDir}: give the right --data DIR (or ZORGPOST_DATA), or start with "zorgpost org add" or "zorgpost serve"`,
    );
  }
  const services = await openServices(config, cliLogger(config));
  if (isNew) process.stderr.write(`Created a new Zorgpost data directory: ${config.dataDir}\n`);
  try {
    return await work(services, options);
  } finally {
    await services.close();
  }
}

export function cliActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (containers): keep "unknown".
  }
  return { actor: `cli:${name}`, remoteAddress: null };
}

/** Prints `value` as JSON with --json, else the human text. */
export function output(options: GlobalOptions, value: unknown, text: string): void {
  process.stdout.write(options.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}
