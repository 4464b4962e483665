// `zorgpost config show`: the effective configuration after file, environment and flags.
import type { Command } from 'commander';
import { effectiveConfig, globalOptions } from '../context.ts';
import { ENVIRONMENT } from '../../config/load.ts';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('inspect configuration');
  config
    .command('show')
    .description('print the effective configuration (defaults ← --config file ← environment ← flags)')
    .action((_opts, command: Command) => {
      const effective = effectiveConfig(globalOptions(command));
      process.stdout.write(`${JSON.stringify(effective, hideSecrets, 2)}\n`);
      if (!globalOptions(command).json) {
        process.stdout.write(`\nEnvironment variables: ${ENVIRONMENT.map(([name]) => name).join(', ')}\n`);
      }
    });
}

/** Secrets are shown as set or not, never printed (they end up in terminals and support tickets). */
const SECRET_KEYS = new Set(['productToken', 'webhookSecret']);

function hideSecrets(key: string, value: unknown): unknown {
  return SECRET_KEYS.has(key) && typeof value === 'string' ? '(set, hidden)' : value;
}
