import { createHash } from 'node:crypto';

export type SigningAlg = 'RS256' | 'ES256' | 'EdDSA';
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256', 'EdDSA'];

/** Rotation state of a key in the key-set file; see README. */
export type KeyStatus = 'next' | 'active' | 'retired';
export const KEY_STATUSES: readonly KeyStatus[] = ['next', 'active', 'retired'];

/** Public members only (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2): what the JWKS publishes. */
export interface PublicJwk {
  kty: 'RSA' | 'EC' | 'OKP';
  kid: string;
  alg: SigningAlg;
  use: 'sig';
  crv?: string;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
}

/** One entry of the key-set file: a private JWK plus our rotation status. */
export interface PrivateJwk extends PublicJwk {
  d: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  status?: KeyStatus;
}

export interface KeySet {
  keys: PrivateJwk[];
}

/** The members RFC 7638 §3.2 hashes for each key type, in lexicographic order. */
const THUMBPRINT_MEMBERS = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
} as const;

/** RFC 7638 JWK thumbprint: base64url SHA-256 of the required members, no whitespace. */
export function jwkThumbprint(jwk: Pick<PublicJwk, 'kty' | 'crv' | 'n' | 'e' | 'x' | 'y'>): string {
  const members = THUMBPRINT_MEMBERS[jwk.kty];
  if (!members) throw new TypeError(`unsupported kty ${String(jwk.kty)}`);
  const required: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') throw new TypeError(`JWK is missing "${name}"`);
    required[name] = value;
  }
  return createHash('sha256').update(JSON.stringify(required), 'utf8').digest('base64url');
}
