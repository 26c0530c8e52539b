import { constants, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ecdsaRawToDer } from './ecdsa-der.ts';
import type { SigningAlg } from './jwk.ts';

// RFC 7518 §3.4: ES256 signatures are the raw 64-byte r||s, not DER. RFC 8032: Ed25519 is 64.
const EC_SIGNATURE_BYTES = 64;
const ED25519_SIGNATURE_BYTES = 64;

const KEY_TYPE: Record<SigningAlg, string> = { RS256: 'rsa', ES256: 'ec', EdDSA: 'ed25519' };

export function signBytes(alg: SigningAlg, privateKey: KeyObject, data: Buffer): Buffer {
  switch (alg) {
    case 'RS256':
      return sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
    case 'ES256':
      return sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return sign(null, data, privateKey);
  }
}

/**
 * True only for a valid signature; wrong lengths, wrong key types and OpenSSL errors are false.
 * Keys are passed bare (no options object): that is node's fast path, and for an 'rsa' key
 * its default padding is PKCS#1 v1.5, which RS256 requires (RFC 7518 §3.3).
 */
export function verifyBytes(alg: SigningAlg, publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  if (publicKey.asymmetricKeyType !== KEY_TYPE[alg]) return false;
  try {
    switch (alg) {
      case 'RS256':
        return verify('sha256', data, publicKey, signature);
      case 'ES256':
        return (
          signature.length === EC_SIGNATURE_BYTES && verify('sha256', data, publicKey, ecdsaRawToDer(signature))
        );
      case 'EdDSA':
        return signature.length === ED25519_SIGNATURE_BYTES && verify(null, data, publicKey, signature);
    }
    // No input we found makes node throw here; kept so an OpenSSL error on hostile input
    // is still a rejection, never an exception.
    /* c8 ignore start */
  } catch {
    return false;
  }
  /* c8 ignore stop */
}
