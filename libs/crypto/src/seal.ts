import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { decodeBase64url } from './base64url.ts';

// Lets the refresh-token rotation grace window hand the same successor to a retried request:
// the successor is stored sealed under the presented token, which only its holder knows
// (the database keeps only hashes), so a database reader cannot open it.

const VERSION = 'v1';
const SALT_BYTES = 16;
const IV_BYTES = 12; // 96-bit IV, the size GCM is specified for (NIST SP 800-38D §5.2.1.1)
const TAG_BYTES = 16;
const KEY_BYTES = 32;

function deriveKey(secretToken: string, salt: Buffer, context: string): Buffer {
  // HKDF (RFC 5869): the context as info binds the key to one purpose, so a blob sealed
  // for one use never opens in another.
  const info = `gatehouse/seal/${VERSION}/${context}`;
  return Buffer.from(hkdfSync('sha256', secretToken, salt, info, KEY_BYTES));
}

/** AES-256-GCM under a key derived from the token. Output: `v1.salt.iv.ciphertext.tag`. */
export function sealWithToken(secretToken: string, plaintext: string, context: string): string {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secretToken, salt, context), iv, {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(Buffer.from(VERSION));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [salt, iv, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url'));
  return [VERSION, ...parts].join('.');
}

/** The plaintext, or undefined for a wrong token, wrong context or tampered input. */
export function openWithToken(secretToken: string, sealed: string, context: string): string | undefined {
  if (typeof sealed !== 'string') return undefined;
  const [version, ...encoded] = sealed.split('.');
  if (version !== VERSION || encoded.length !== 4) return undefined;
  const [salt, iv, ciphertext, tag] = encoded.map(decodeBase64url);
  if (salt?.length !== SALT_BYTES || iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || !ciphertext) {
    return undefined;
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(secretToken, salt, context), iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(VERSION));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
