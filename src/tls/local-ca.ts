// Development TLS (SPEC R26): on first start a local CA and a server certificate are created in
// <dataDir>/tls. Clients trust data/tls/ca.pem. The server certificate is re-issued when the host
// name changes or it nears expiry; the CA stays, so clients keep trusting it.
import { randomBytes, webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { join } from 'node:path';
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 60 * 60 * 1000;
const CA_LIFETIME_DAYS = 3650;
const SERVER_LIFETIME_DAYS = 397;
const RENEW_BEFORE_DAYS = 30;

export interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export async function ensureLocalCertificates(dir: string, hostname: string): Promise<TlsFiles & { created: string[] }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = {
    caFile: join(dir, 'ca.pem'),
    caKeyFile: join(dir, 'ca-key.pem'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server-key.pem'),
  };
  const created: string[] = [];
  let ca = await loadCa(files.caFile, files.caKeyFile);
  if (!ca) {
    ca = await createCa();
    await writeFile(files.caKeyFile, await exportPrivateKey(ca.key), { mode: 0o600 });
    await writeFile(files.caFile, ca.cert.toString('pem'));
    created.push(files.caFile);
  }
  const names = serverNames(hostname);
  if (!(await serverCertificateIsCurrent(files.certFile, files.keyFile, names, ca.cert))) {
    const server = await createServerCertificate(ca, names);
    await writeFile(files.keyFile, await exportPrivateKey(server.key), { mode: 0o600 });
    await writeFile(files.certFile, server.cert.toString('pem'));
    created.push(files.certFile);
  }
  return { caFile: files.caFile, certFile: files.certFile, keyFile: files.keyFile, created };
}

function serverNames(hostname: string): string[] {
  return [...new Set([hostname.toLowerCase(), 'localhost', osHostname().toLowerCase(), '127.0.0.1', '::1'])];
}

async function createCa() {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=Zorgpost local CA (${osHostname()}), O=Zorgpost development`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + CA_LIFETIME_DAYS * DAY),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey };
}

async function createServerCertificate(ca: { cert: x509.X509Certificate; key: CryptoKey }, names: string[]) {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${names[0]}`,
    issuer: ca.cert.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + SERVER_LIFETIME_DAYS * DAY),
    signingKey: ca.key,
    publicKey: keys.publicKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: isIP(value) ? 'ip' : 'dns', value }))),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey };
}

/** The CA from its files, or null when they are missing or unreadable (then a new CA is made). */
async function loadCa(certFile: string, keyFile: string): Promise<{ cert: x509.X509Certificate; key: CryptoKey } | null> {
  if (!existsSync(certFile) || !existsSync(keyFile)) return null;
  try {
    return {
      cert: new x509.X509Certificate(await readFile(certFile, 'utf8')),
      key: await importPrivateKey(await readFile(keyFile, 'utf8')),
    };
  } catch {
    return null;
  }
}

/** Current: readable, issued by this CA (ca.pem may have been replaced), matching its key, for
 * these names, not near expiry. Anything else is simply issued again. */
async function serverCertificateIsCurrent(file: string, keyFile: string, names: string[], ca: x509.X509Certificate): Promise<boolean> {
  if (!existsSync(file) || !existsSync(keyFile)) return false;
  let cert: x509.X509Certificate;
  try {
    const pem = await readFile(file, 'utf8');
    cert = new x509.X509Certificate(pem);
    createSecureContext({ cert: pem, key: await readFile(keyFile) });
  } catch {
    return false;
  }
  if (!(await cert.verify({ publicKey: ca.publicKey, signatureOnly: true }).catch(() => false))) return false;
  if (cert.notAfter.getTime() - Date.now() < RENEW_BEFORE_DAYS * DAY) return false;
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const present = new Set(san?.names.items.map((n) => n.value.toLowerCase()) ?? []);
  return names.every((name) => present.has(name));
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f; // positive (RFC 5280 §4.1.2.2)
  return bytes.toString('hex');
}

async function exportPrivateKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign']) as Promise<CryptoKey>;
}
