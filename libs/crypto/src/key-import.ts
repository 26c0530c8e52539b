import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { InvalidKeySetError } from './errors.ts';
import { KEY_STATUSES, SIGNING_ALGS } from './jwk.ts';
import type { KeyStatus, PublicJwk, SigningAlg } from './jwk.ts';

export interface ImportedKey {
  kid: string;
  alg: SigningAlg;
  status: KeyStatus;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
}

const MIN_RSA_BITS = 2048;

function checkKeyMatchesAlg(kid: string, alg: SigningAlg, key: KeyObject): void {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  const ok =
    (alg === 'RS256' && type === 'rsa' && Number(details?.modulusLength) >= MIN_RSA_BITS) ||
    (alg === 'ES256' && type === 'ec' && details?.namedCurve === 'prime256v1') ||
    (alg === 'EdDSA' && type === 'ed25519');
  if (!ok) throw new InvalidKeySetError(`key ${kid}: a ${String(type)} key cannot be used for ${alg}`);
}

/** Only the members RFC 7517/7518/8037 define as public, taken from the derived public key. */
function toPublicJwk(publicKey: KeyObject, kid: string, alg: SigningAlg): PublicJwk {
  const { kty, crv, n, e, x, y } = publicKey.export({ format: 'jwk' });
  const jwk: PublicJwk = { kty: kty as PublicJwk['kty'], kid, alg, use: 'sig' };
  for (const [name, value] of Object.entries({ crv, n, e, x, y })) {
    if (typeof value === 'string') jwk[name as 'crv' | 'n' | 'e' | 'x' | 'y'] = value;
  }
  return jwk;
}

/** Validates one entry of the key-set file and imports it once into KeyObjects. */
export function importKey(entry: unknown, index: number): ImportedKey {
  if (typeof entry !== 'object' || entry === null) throw new InvalidKeySetError(`keys[${index}] is not an object`);
  const { kid, alg, use, status = 'active' } = entry as Record<string, unknown>;
  if (typeof kid !== 'string' || kid === '') throw new InvalidKeySetError(`keys[${index}] has no kid`);
  if (!SIGNING_ALGS.includes(alg as SigningAlg)) {
    throw new InvalidKeySetError(`key ${kid}: alg must be one of ${SIGNING_ALGS.join(', ')}`);
  }
  if (use !== undefined && use !== 'sig') throw new InvalidKeySetError(`key ${kid}: use must be "sig"`);
  if (!KEY_STATUSES.includes(status as KeyStatus)) {
    throw new InvalidKeySetError(`key ${kid}: status must be one of ${KEY_STATUSES.join(', ')}`);
  }

  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: entry as JsonWebKey, format: 'jwk' });
  } catch (error) {
    throw new InvalidKeySetError(`key ${kid}: not a usable private JWK (${(error as Error).message})`);
  }
  checkKeyMatchesAlg(kid, alg as SigningAlg, privateKey);
  const publicKey = createPublicKey(privateKey);
  return {
    kid,
    alg: alg as SigningAlg,
    status: status as KeyStatus,
    privateKey,
    publicKey,
    publicJwk: toPublicJwk(publicKey, kid, alg as SigningAlg),
  };
}
