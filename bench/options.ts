// Command-line options of `npm run bench` (documented at the top of run.ts).
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface BenchOptions {
  messages: number;
  runs: number;
  smtpMessages: number;
  smtpClients: number;
  smtpBytes: number;
  imap: boolean;
  smtp: boolean;
  dovecot: boolean;
  profile: boolean;
  keep: boolean;
  reuse: string | null;
  json: string;
}

export const ROOT = resolve(import.meta.dirname, '..');

export function parseOptions(argv: string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        messages: { type: 'string', default: '50000' },
        runs: { type: 'string', default: '7' },
        'smtp-messages': { type: 'string', default: '2000' },
        'smtp-clients': { type: 'string', default: '20' },
        'smtp-kb': { type: 'string', default: '20' },
        only: { type: 'string' },
        'no-dovecot': { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        reuse: { type: 'string' },
        json: { type: 'string', default: join(ROOT, '.bench', 'latest.json') },
      },
      strict: true,
    }));
  } catch (error) {
    usage((error as Error).message);
  }
  const count = (name: 'messages' | 'runs' | 'smtp-messages' | 'smtp-clients' | 'smtp-kb', min: number): number => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) usage(`--${name} must be a whole number ≥ ${min}`);
    return value;
  };
  if (values.only !== undefined && values.only !== 'imap' && values.only !== 'smtp') usage('--only takes imap or smtp');
  return {
    messages: count('messages', 1),
    runs: count('runs', 1),
    smtpMessages: count('smtp-messages', 1),
    smtpClients: count('smtp-clients', 2),
    smtpBytes: count('smtp-kb', 1) * 1024,
    imap: values.only !== 'smtp',
    smtp: values.only !== 'imap',
    dovecot: !values['no-dovecot'],
    profile: values.profile,
    keep: values.keep,
    reuse: values.reuse ? resolve(values.reuse) : null,
    json: resolve(values.json),
  };
}

export function usage(message: string): never {
  process.stderr.write(`bench: ${message} (options are described at the top of bench/run.ts)\n`);
  process.exit(2);
}
