import { InvalidKeySetError } from './errors.ts';
import type { KeySet, PublicJwk } from './jwk.ts';
import { importKey } from './key-import.ts';
import type { ImportedKey } from './key-import.ts';
import { signJwt } from './jwt-sign.ts';
import type { SignJwtHeader } from './jwt-sign.ts';
import type { JwtClaims, VerificationKey } from './jwt-types.ts';
import { verifyJwt } from './jwt-verify.ts';
import type { VerifyJwtOptions, VerifyJwtResult } from './jwt-verify.ts';

export interface KeyRingOptions {
  /** Signs with this key instead of the one whose status is 'active'. */
  activeKid?: string;
}

export interface KeyRing {
  readonly activeKid: string;
  /** Every key in the set, whatever its status, so rotation never breaks live tokens. */
  readonly verificationKeys: ReadonlyMap<string, VerificationKey>;
  sign(claims: JwtClaims, header: SignJwtHeader): string;
  verify(token: unknown, options: Omit<VerifyJwtOptions, 'keys'>): VerifyJwtResult;
  /** The JWKS document (RFC 7517 §5): public members only, for every key. */
  publicJwks(): { readonly keys: readonly PublicJwk[] };
}

function pickActive(keys: readonly ImportedKey[], activeKid: string | undefined): ImportedKey {
  if (activeKid !== undefined) {
    const chosen = keys.find((key) => key.kid === activeKid);
    if (!chosen) throw new InvalidKeySetError(`activeKid ${activeKid} is not in the set`);
    if (chosen.status === 'retired') throw new InvalidKeySetError(`activeKid ${activeKid} is retired`);
    return chosen;
  }
  const active = keys.filter((key) => key.status === 'active');
  if (active.length !== 1 || !active[0]) {
    throw new InvalidKeySetError(`exactly one key must be active, found ${active.length}`);
  }
  return active[0];
}

/**
 * Imports a key set once (KeyObjects are cached: introspection verifies at high rates)
 * and signs with the active key. Throws InvalidKeySetError at start-up for a bad set.
 */
export function createKeyRing(keySet: KeySet, options: KeyRingOptions = {}): KeyRing {
  const entries: unknown = (keySet as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(entries) || entries.length === 0) throw new InvalidKeySetError('keys must be a non-empty array');

  const keys = entries.map((entry: unknown, index) => importKey(entry, index));
  const verificationKeys = new Map<string, VerificationKey>();
  for (const { kid, alg, publicKey } of keys) {
    if (verificationKeys.has(kid)) throw new InvalidKeySetError(`kid ${kid} appears twice`);
    verificationKeys.set(kid, { kid, alg, publicKey });
  }
  const active = pickActive(keys, options.activeKid);
  const jwks = Object.freeze({ keys: Object.freeze(keys.map((key) => Object.freeze({ ...key.publicJwk }))) });

  return {
    activeKid: active.kid,
    verificationKeys,
    sign: (claims, header) => signJwt(active, claims, header),
    verify: (token, verifyOptions) => verifyJwt(token, { ...verifyOptions, keys: verificationKeys }),
    publicJwks: () => jwks,
  };
}
