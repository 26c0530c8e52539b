import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { jwkThumbprint } from './jwk.ts';
import type { PrivateJwk, SigningAlg } from './jwk.ts';

// RSA 2048 is the NIST SP 800-57 floor through 2030 and what RFC 7518 §3.3 requires at least.
const RSA_MODULUS_BITS = 2048;

function generatePrivateKey(alg: SigningAlg): KeyObject {
  switch (alg) {
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: RSA_MODULUS_BITS }).privateKey;
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'EdDSA':
      return generateKeyPairSync('ed25519').privateKey;
    default:
      throw new TypeError(`unsupported signing algorithm ${String(alg)}`);
  }
}

/**
 * A new private JWK whose kid is its RFC 7638 thumbprint. It has no status (which reads as
 * 'active'); add `status: 'next'` when publishing it ahead of a rotation.
 */
export function generateSigningKey(alg: SigningAlg): PrivateJwk {
  const exported = generatePrivateKey(alg).export({ format: 'jwk' });
  const jwk = { ...exported, alg, use: 'sig' } as PrivateJwk;
  return { ...jwk, kid: jwkThumbprint(jwk) };
}
