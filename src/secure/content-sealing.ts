// Encryption at rest for Viewer content (SPEC R15, R23): every message gets its own random data key
// (AES-256-GCM); the data key is stored only wrapped by the master key. Ending a message destroys
// its wrapped key, so even a stray copy of the blob is unreadable afterwards.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const NONCE = 12;
const TAG = 16;

export class ContentSealer {
  readonly #wrapKey: Buffer;
  readonly #textKey: Buffer;
  readonly #codeKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    // Separate keys per purpose (HKDF, RFC 5869), so no key ever serves two uses.
    this.#wrapKey = derive(masterKey, 'zorgpost viewer key wrapping');
    this.#textKey = derive(masterKey, 'zorgpost viewer text');
    this.#codeKey = derive(masterKey, 'zorgpost viewer access codes');
  }

  /** Encrypts content under a new data key; returns the key wrapped and the sealed bytes. */
  seal(content: Buffer): { wrappedKey: string; sealed: Buffer } {
    const dataKey = randomBytes(32);
    const sealed = encrypt(dataKey, content, 'content');
    return { wrappedKey: encrypt(this.#wrapKey, dataKey, 'data key').toString('base64'), sealed };
  }

  open(wrappedKey: string, sealed: Buffer): Buffer {
    const dataKey = decrypt(this.#wrapKey, Buffer.from(wrappedKey, 'base64'), 'data key');
    return decrypt(dataKey, sealed, 'content');
  }

  sealText(text: string): string {
    return encrypt(this.#textKey, Buffer.from(text, 'utf8'), 'text').toString('base64');
  }

  openText(sealed: string): string {
    return decrypt(this.#textKey, Buffer.from(sealed, 'base64'), 'text').toString('utf8');
  }

  /** A keyed hash for short secrets (access codes, links, session tokens): a database alone does
   * not allow testing guesses offline. */
  hashSecret(purpose: string, secret: string): string {
    return createHmac('sha256', this.#codeKey).update(`${purpose}\0${secret}`).digest('base64url');
  }
}

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
}

function encrypt(key: Buffer, plain: Buffer, purpose: string): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

function decrypt(key: Buffer, sealed: Buffer, purpose: string): Buffer {
  if (sealed.length < NONCE + TAG) throw new Error('sealed data is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE));
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  return Buffer.concat([decipher.update(sealed.subarray(NONCE, sealed.length - TAG)), decipher.final()]);
}

/** Reads the master key file (64 hex characters), creating it with a new random key on first use. */
export async function loadOrCreateMasterKey(file: string): Promise<Buffer> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    if (!/^[0-9a-f]{64}$/i.test(text)) throw new Error(`${file} does not hold a 256-bit key as 64 hexadecimal characters`);
    return Buffer.from(text, 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await chmod(file, 0o600);
  return loadOrCreateMasterKey(file);
}
