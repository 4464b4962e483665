// `npm run bench [-- OPTIONS]`: the mail benchmark (run.ts: IMAP, SMTP), the LDAP address book
// benchmark (ldap-run.ts) and the Viewer benchmark (viewer-run.ts), each in its own process. npm appends its arguments to the last
// command of a script only, so a chain of the two in package.json would hand `--only imap` to the
// LDAP part; this sends each option where it belongs instead.
//
//   --only imap|smtp   the mail benchmark only, with every other option (run.ts as before)
//   --only ldap        the LDAP benchmark only, with every other option (as `npm run bench:ldap`)
//   --only viewer      the Viewer benchmark only (viewer-run.ts), with every other option
//   otherwise          all three: --people, --reps, --seconds, --clients and --no-slapd go to the LDAP
//                      part, --keep to both, everything else to run.ts (its --reuse and --json too;
//                      run `npm run bench:ldap` for those of the LDAP part); the Viewer part
//                      runs with its defaults (its options: bench/viewer-run.ts, `npm run bench:viewer -- …`)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './options.ts';

const LDAP_WITH_VALUE = new Set(['--people', '--reps', '--seconds', '--clients']);
const LDAP_FLAGS = new Set(['--no-slapd']);
const BOTH_FLAGS = new Set(['--keep']);

const argv = process.argv.slice(2);
const onlyAt = argv.findIndex((arg) => arg === '--only' || arg.startsWith('--only='));
const only = onlyAt < 0 ? null : argv[onlyAt]!.includes('=') ? argv[onlyAt]!.split('=')[1]! : (argv[onlyAt + 1] ?? '');

const run = (script: string, args: string[]): number => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', script), ...args], {
    stdio: 'inherit',
  });
  return child.status ?? 1;
};

const rest = argv.filter((_, i) => i !== onlyAt && (argv[onlyAt]!.includes('=') || i !== onlyAt + 1));
if (only === 'ldap') {
  process.exit(run('ldap-run.ts', rest));
} else if (only === 'viewer') {
  process.exit(run('viewer-run.ts', rest));
} else if (only !== null) {
  // imap, smtp or a mistake: run.ts knows what to say about it.
  process.exit(run('run.ts', argv));
} else {
  const mail: string[] = [];
  const ldap: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.split('=')[0]!;
    if (LDAP_WITH_VALUE.has(name)) {
      ldap.push(arg);
      if (!arg.includes('=') && i + 1 < argv.length) ldap.push(argv[++i]!);
    } else if (LDAP_FLAGS.has(name)) ldap.push(arg);
    else if (BOTH_FLAGS.has(name)) {
      mail.push(arg);
      ldap.push(arg);
    } else mail.push(arg);
  }
  const mailStatus = run('run.ts', mail);
  // The LDAP part runs even when the mail part failed: its figures do not depend on the mail part.
  const ldapStatus = run('ldap-run.ts', ldap);
  // Secure sending (issue 4) with its defaults: 1,000 Viewer messages, 100 KB attachments.
  const viewerStatus = run('viewer-run.ts', argv.includes('--keep') ? ['--keep'] : []);
  process.exit(mailStatus || ldapStatus || viewerStatus);
}
