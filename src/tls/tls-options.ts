// TLS settings shared by every listener (SPEC R21): TLS 1.2 and 1.3 only, forward-secret AEAD
// cipher suites only (Mozilla "intermediate").
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { ConfigError } from '../config/load.ts';

const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export async function loadTlsOptions(files: { certFile: string; keyFile: string }): Promise<SecureContextOptions> {
  const [cert, key] = await Promise.all([readTlsFile(files.certFile), readTlsFile(files.keyFile)]);
  const options: SecureContextOptions = { cert, key, minVersion: 'TLSv1.2', ciphers: TLS12_CIPHERS, honorCipherOrder: true };
  try {
    createSecureContext(options);
  } catch (error) {
    throw new ConfigError([`tls: ${files.certFile} and ${files.keyFile} are not a usable certificate chain and matching key: ${(error as Error).message}`]);
  }
  return options;
}

async function readTlsFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new ConfigError([`tls: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
}
