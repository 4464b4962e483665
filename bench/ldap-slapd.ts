// OpenLDAP as the reference: Debian's slapd with a throw-away slapd.conf in the work directory (the
// system's /etc/ldap/slapd.d and its service are never used or changed), an mdb database loaded
// offline with slapadd, LDAPS only on a free loopback port, with Zorgpost's own certificate so both
// servers do the same TLS work.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import {
  BASE_DN,
  BIND_PERSON,
  ldifRecord,
  slapdPersonAttributes,
  type MatchableEntry,
  type Person,
} from './ldap-directory.ts';
import type { RunningLdapServer } from './ldap-zorgpost.ts';
import { freePort, waitForPort } from './net.ts';
import { stopChild } from './zorgpost.ts';

const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';
const SCHEMA_DIR = '/etc/ldap/schema';

/** Installs slapd when missing; returns a reason when OpenLDAP cannot be had. */
export function ensureSlapd(log: (line: string) => void): { version: string } | { unavailable: string } {
  if (!existsSync(SLAPD) || !existsSync(SLAPADD)) {
    log('slapd not found; installing slapd and ldap-utils from Debian…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update'], { stdio: 'ignore', env });
    const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'slapd', 'ldap-utils'], {
      stdio: 'ignore',
      env,
    });
    if (install.status !== 0 || !existsSync(SLAPD)) return { unavailable: 'slapd could not be installed' };
    // The package may start the system instance; this benchmark runs its own and leaves that alone.
  }
  // `slapd -VV` prints its version to stderr.
  const version = spawnSync(SLAPD, ['-VV'], { encoding: 'utf8' });
  const line = `${version.stdout}${version.stderr}`.match(/slapd [^\s$]+/)?.[0];
  return line ? { version: `OpenLDAP ${line}` } : { unavailable: `slapd -VV failed: ${version.stderr.trim()}` };
}

export interface SlapdSetup {
  dir: string;
  conf: string;
  bindDn: string;
  password: string;
  loadSeconds: number;
}

/** Writes slapd.conf and an LDIF of the people, then loads them with `slapadd -q` (offline, no
 * per-entry checks beyond the schema: the fastest way OpenLDAP offers). */
export async function prepareSlapd(options: {
  dir: string;
  people: readonly Person[];
  tls: { caFile: string; certFile: string; keyFile: string };
}): Promise<SlapdSetup> {
  const { dir } = options;
  await mkdir(join(dir, 'data'), { recursive: true });
  const conf = join(dir, 'slapd.conf');
  const password = randomBytes(18).toString('base64url');
  const bindDn = `uid=${BIND_PERSON.address},${BASE_DN}`;
  await writeFile(conf, slapdConfig({ dir, ...options.tls }));
  const ldif = join(dir, 'people.ldif');
  const out = createWriteStream(ldif);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(
    ldifRecord(BASE_DN, [
      ['objectClass', 'organizationalUnit'],
      ['ou', 'se'],
    ]),
  );
  // The bind entry mirrors the person entry Zorgpost keeps for the bind mailbox.
  await write(
    ldifRecord(bindDn, [
      ['objectClass', 'inetOrgPerson'],
      ['uid', BIND_PERSON.address],
      ['cn', BIND_PERSON.displayName],
      ['displayName', BIND_PERSON.displayName],
      ['sn', BIND_PERSON.displayName.split(' ').at(-1)!],
      ['mail', BIND_PERSON.address],
      ['o', BIND_PERSON.organisation],
      ['userPassword', sshaPassword(password)],
    ]),
  );
  for (const person of options.people)
    await write(ldifRecord(`uid=${person.mail},${BASE_DN}`, slapdPersonAttributes(person)));
  out.end();
  await once(out, 'finish');
  const started = performance.now();
  execFileSync(SLAPADD, ['-q', '-f', conf, '-l', ldif], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { dir, conf, bindDn, password, loadSeconds: (performance.now() - started) / 1000 };
}

/** The entries slapd holds besides the people (the bind entry; the base entry matches no filter). */
export function slapdExtraEntries(): MatchableEntry[] {
  return [
    {
      cn: BIND_PERSON.displayName,
      sn: BIND_PERSON.displayName.split(' ').at(-1)!,
      mail: BIND_PERSON.address,
    },
  ];
}

export async function startSlapd(setup: SlapdSetup): Promise<RunningLdapServer> {
  const port = await freePort();
  // -d 0: stay in the foreground as our child (so it is stopped with the benchmark), no debug output.
  const child = spawn(SLAPD, ['-d', '0', '-h', `ldaps://127.0.0.1:${port}/`, '-f', setup.conf], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForPort(port, 30_000, () => child.exitCode === null);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`slapd did not start: ${(error as Error).message} ${stderr.trim()}`);
  }
  return { port, pid: child.pid!, stop: () => stopChild(child, 10_000) };
}

/** {SSHA}: salted SHA-1, the scheme slappasswd uses by default. */
function sshaPassword(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

function slapdConfig(o: { dir: string; caFile: string; certFile: string; keyFile: string }): string {
  return `# Written by Zorgpost's benchmark (bench/ldap-slapd.ts) for one run; not a system configuration.
include ${SCHEMA_DIR}/core.schema
include ${SCHEMA_DIR}/cosine.schema
include ${SCHEMA_DIR}/inetorgperson.schema
pidfile ${o.dir}/slapd.pid
argsfile ${o.dir}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
# No per-operation logging: Zorgpost runs at log level warn, which logs no searches either.
loglevel 0
TLSCACertificateFile ${o.caFile}
TLSCertificateFile ${o.certFile}
TLSCertificateKeyFile ${o.keyFile}
# Like Zorgpost: every search needs a simple bind; sizes are left to the client (sizeLimit, paging).
disallow bind_anon
require authc
sizelimit unlimited
timelimit unlimited

database mdb
maxsize 4294967296
suffix "${BASE_DN}"
rootdn "cn=admin,${BASE_DN}"
rootpw ${randomBytes(18).toString('base64url')}
directory ${o.dir}/data
index objectClass eq
index cn,sn,givenName,mail eq,sub
access to attrs=userPassword
  by anonymous auth
  by * none
access to *
  by users read
  by * none
`;
}
