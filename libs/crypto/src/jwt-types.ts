import type { KeyObject } from 'node:crypto';
import type { SigningAlg } from './jwk.ts';

export interface JwtHeader {
  alg: SigningAlg;
  kid: string;
  typ: string;
  [parameter: string]: unknown;
}

/** Claims to sign. exp is required because verifyJwt refuses tokens that never expire. */
export interface JwtClaims {
  exp: number;
  iss?: string;
  aud?: string | string[];
  sub?: string;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

/** Claims after verifyJwt: iss and aud have been checked against the expected values. */
export interface VerifiedJwtPayload extends JwtClaims {
  iss: string;
  aud: string | string[];
}

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
}

export interface VerificationKey {
  kid: string;
  alg: SigningAlg;
  publicKey: KeyObject;
}
