import { encodeBase64url } from './base64url.ts';
import { signBytes } from './jws-algorithm.ts';
import type { JwtClaims, SigningKey } from './jwt-types.ts';

/** typ is required (e.g. 'at+jwt', RFC 9068 §2.1); alg and kid always come from the key. */
export interface SignJwtHeader {
  typ: string;
  [parameter: string]: unknown;
}

/** Compact JWS (RFC 7515 §7.1) with header `{alg, typ, kid}` plus any extras. */
export function signJwt(key: SigningKey, claims: JwtClaims, header: SignJwtHeader): string {
  if (!Number.isFinite(claims.exp)) throw new TypeError('JWT claims need a numeric exp');
  const protectedHeader = Object.assign({ alg: key.alg, typ: header.typ, kid: key.kid }, header, {
    alg: key.alg,
    kid: key.kid,
  });
  const signingInput = `${encodeBase64url(JSON.stringify(protectedHeader))}.${encodeBase64url(JSON.stringify(claims))}`;
  const signature = signBytes(key.alg, key.privateKey, Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${encodeBase64url(signature)}`;
}
