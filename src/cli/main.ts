// The `zorgpost` admin CLI (SPEC R28). Errors are printed as one clear line; usage errors exit 2,
// refused operations 1.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/load.ts';
import { TemporaryError, UserError } from '../errors.ts';
import { registerServe } from './commands/serve.ts';
import { registerOrg } from './commands/org.ts';
import { registerMailbox } from './commands/mailbox.ts';
import { registerKey } from './commands/key.ts';
import { registerConfig } from './commands/config.ts';
import { registerClassify, registerDomainBook } from './commands/domainbook.ts';
import { registerDirectory } from './commands/directory.ts';
import { registerAdmin } from './commands/admin.ts';
import { registerPolicy } from './commands/policy.ts';
import { registerSecure } from './commands/secure.ts';
import { registerPassage } from './commands/passage.ts';

// The database holds key hashes, addresses and the audit log; message files are patient data.
// Nothing Zorgpost creates is for other users of the machine, whatever the data directory's mode.
process.umask(0o077);
// `zorgpost directory export | head`: a reader that stops early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('zorgpost')
  .description('Zorgpost: secure e-mail for healthcare')
  .option('--data <dir>', 'data directory (default ./data, or ZORGPOST_DATA)')
  .option('--config <file>', 'JSON configuration file')
  .option('--json', 'machine-readable JSON output')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerServe(program);
registerOrg(program);
registerMailbox(program);
registerKey(program);
registerConfig(program);
registerDomainBook(program);
registerClassify(program);
registerDirectory(program);
registerAdmin(program);
registerPolicy(program);
registerSecure(program);
registerPassage(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or help).
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`error: ${error.message}\n`);
    return 2;
  }
  if (error instanceof UserError || error instanceof TemporaryError) {
    process.stderr.write(`error: ${error.message}\n`);
    return 1;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    process.stderr.write(`error: cannot listen: ${(error as Error).message}\n`);
    return 1;
  }
  process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
  return 1;
}
