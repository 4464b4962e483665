// Dovecot as the reference: Debian's dovecot-imapd with a throw-away configuration in the work
// directory (the system's /etc/dovecot is never read or changed), IMAPS only, on a free loopback
// port, with Zorgpost's own certificate so both servers do the same TLS work.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, open, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { folderMessage } from './corpus.ts';
import { freePort, waitForPort } from './net.ts';
import { stopChild } from './zorgpost.ts';

const DOVECOT = '/usr/sbin/dovecot';
export const DOVECOT_USER = 'archief';
export const DOVECOT_PASSWORD = 'bench-password';
const WRITE_CONCURRENCY = 64;

/** Installs dovecot-imapd when missing; returns a reason when Dovecot cannot be had. */
export function ensureDovecot(log: (line: string) => void): { version: string } | { unavailable: string } {
  if (!existsSync(DOVECOT)) {
    log('Dovecot not found; installing dovecot-imapd from Debian…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update'], { stdio: 'ignore', env });
    const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'dovecot-imapd'], {
      stdio: 'ignore',
      env,
    });
    if (install.status !== 0 || !existsSync(DOVECOT)) return { unavailable: 'dovecot-imapd could not be installed' };
    // The package starts the system instance; this benchmark runs its own and leaves that alone.
  }
  try {
    return { version: execFileSync(DOVECOT, ['--version'], { encoding: 'utf8' }).trim() };
  } catch (error) {
    return { unavailable: `dovecot --version failed: ${(error as Error).message}` };
  }
}

export interface DovecotSetup {
  dir: string;
  maildir: string;
  fillSeconds: number;
}

/** Writes the folder as Maildir files, the way a delivery agent would have left them: flags in
 * the name (`:2,FS`), sizes in the name (S= on disk, W= with CRLF) and the arrival time as mtime.
 * Dovecot builds its index from these on the first SELECT. */
export async function prepareDovecot(options: {
  dir: string;
  messages: number;
  onProgress?: (done: number) => void;
}): Promise<DovecotSetup> {
  const { dir, messages } = options;
  // Mail processes run as nobody and must reach the home directory.
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  const maildir = join(dir, 'home', DOVECOT_USER, 'Maildir');
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(maildir, sub), { recursive: true });
  const started = performance.now();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < messages) {
      const i = next++;
      const message = folderMessage(i, messages, `${DOVECOT_USER}@bench.zorgpost.nl`);
      const onDisk = Buffer.from(message.bytes.toString('utf8').replace(/\r\n/g, '\n'), 'utf8');
      const seconds = Math.floor(message.internalDate.getTime() / 1000);
      // The zero-padded counter keeps name order equal to delivery order, so Dovecot assigns UIDs
      // in the same order as Zorgpost's folder holds them.
      const name = `${seconds}.M${String(i).padStart(7, '0')}P1.bench,S=${onDisk.length},W=${message.bytes.length}:2,${maildirFlags(message.flags)}`;
      const path = join(maildir, 'cur', name);
      const file = await open(path, 'w', 0o600);
      await file.write(onDisk);
      await file.close();
      await utimes(path, message.internalDate, message.internalDate);
      if (++done % 10000 === 0) options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
  execFileSync('chown', ['-R', 'nobody:nogroup', join(dir, 'home')]);
  return { dir, maildir, fillSeconds: (performance.now() - started) / 1000 };
}

/** Maildir info flags, in ASCII order as the Maildir spec requires. */
function maildirFlags(flags: string[]): string {
  const letters: string[] = [];
  if (flags.includes('\\Draft')) letters.push('D');
  if (flags.includes('\\Flagged')) letters.push('F');
  if (flags.includes('\\Answered')) letters.push('R');
  if (flags.includes('\\Seen')) letters.push('S');
  if (flags.includes('\\Deleted')) letters.push('T');
  return letters.join('');
}

export interface RunningDovecot {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export async function startDovecot(
  setup: DovecotSetup,
  tls: { certFile: string; keyFile: string },
): Promise<RunningDovecot> {
  const port = await freePort();
  const conf = join(setup.dir, 'dovecot.conf');
  const log = join(setup.dir, 'dovecot.log');
  await writeFile(conf, dovecotConfig({ dir: setup.dir, port, log, ...tls }));
  // -F: stay in the foreground as our child, so it is stopped with the benchmark.
  const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForPort(port, 20_000, () => child.exitCode === null);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Dovecot did not start (${log}): ${(error as Error).message} ${stderr.trim()}`);
  }
  return { port, pid: child.pid!, stop: () => stopChild(child, 10_000) };
}

function dovecotConfig(o: { dir: string; port: number; log: string; certFile: string; keyFile: string }): string {
  return `# Written by Zorgpost's benchmark (bench/dovecot.ts) for one run; not a system configuration.
base_dir = ${o.dir}/run
state_dir = ${o.dir}/state
log_path = ${o.log}
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <${o.certFile}
ssl_key = <${o.keyFile}
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain
passdb {
  driver = static
  args = password=${DOVECOT_PASSWORD}
}
# Mail is accessed as nobody: Dovecot refuses root, and the dovecot/dovenull users are reserved
# for its own internal and login processes.
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${o.dir}/home/%u
}
mail_location = maildir:~/Maildir
default_internal_user = dovecot
default_login_user = dovenull
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = ${o.port}
    ssl = yes
  }
}
`;
}
