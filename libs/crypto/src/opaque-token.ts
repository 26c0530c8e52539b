import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;

/** 256 random bits as base64url (43 characters): unguessable, so storing a fast hash is enough. */
export function generateOpaqueToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * SHA-256 of the token, base64url. Only this is stored: a database leak yields no usable
 * refresh token, and a high-entropy secret needs no slow hash or salt.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
