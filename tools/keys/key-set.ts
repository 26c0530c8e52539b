import { createKeyRing, generateSigningKey, type KeySet, type PrivateJwk, type SigningAlg } from '@gatehouse/crypto'

/**
 * Key rotation as pure steps over a private key set (see README.md):
 *   generate → one active key.
 *   rotate   → adds a `next` key: published in the JWKS, not signing yet, so every verifier
 *              has it cached (JWKS max-age) before the first token it signs.
 *   activate → the next key signs; the old active key becomes `retired` (still published,
 *              so tokens it signed keep verifying) and records `retiredAt`.
 *   retire   → removes retired keys once the longest access-token lifetime has passed.
 */
export type StoredKey = PrivateJwk & { retiredAt?: string }
export interface StoredKeySet extends KeySet {
  keys: StoredKey[]
}

export class KeySetStepError extends Error {
  override name = 'KeySetStepError'
}

function checked(set: StoredKeySet): StoredKeySet {
  createKeyRing(set)
  return set
}

export function generateKeySet(alg: SigningAlg): StoredKeySet {
  return checked({ keys: [{ ...generateSigningKey(alg), status: 'active' }] })
}

export function activeKey(set: StoredKeySet): StoredKey {
  const active = set.keys.filter((key) => (key.status ?? 'active') === 'active')
  if (active.length !== 1 || active[0] === undefined) throw new KeySetStepError(`expected exactly one active key, found ${active.length}`)
  return active[0]
}

export function addNextKey(set: StoredKeySet, alg?: SigningAlg): StoredKeySet {
  const current = activeKey(set)
  if (set.keys.some((key) => key.status === 'next')) throw new KeySetStepError('a next key already exists; activate it first')
  return checked({ keys: [...set.keys, { ...generateSigningKey(alg ?? current.alg), status: 'next' }] })
}

export function activateNextKey(set: StoredKeySet, now: Date): StoredKeySet {
  const current = activeKey(set)
  const next = set.keys.find((key) => key.status === 'next')
  if (next === undefined) throw new KeySetStepError('no next key to activate; run rotate first')
  return checked({
    keys: set.keys.map((key) => {
      if (key === next) return { ...key, status: 'active' }
      if (key === current) return { ...key, status: 'retired', retiredAt: now.toISOString() }
      return key
    }),
  })
}

/**
 * Drops retired keys retired at least `minAgeSec` ago (default: the access-token lifetime):
 * removing one sooner would make still-valid tokens fail verification.
 */
export function removeRetiredKeys(set: StoredKeySet, now: Date, minAgeSec: number, force = false): { set: StoredKeySet; removed: string[] } {
  activeKey(set)
  const retired = set.keys.filter((key) => key.status === 'retired')
  if (retired.length === 0) throw new KeySetStepError('no retired key to remove')
  const oldEnough = (key: StoredKey): boolean =>
    force || (key.retiredAt !== undefined && now.getTime() - Date.parse(key.retiredAt) >= minAgeSec * 1000)
  const removed = retired.filter(oldEnough).map((key) => key.kid)
  if (removed.length === 0) {
    throw new KeySetStepError(`retired keys are younger than ${minAgeSec} s (tokens they signed may still be live); wait, or pass --force`)
  }
  return { set: checked({ keys: set.keys.filter((key) => !removed.includes(key.kid)) }), removed }
}

/** What may be printed: never a private member. */
export function describeKeySet(set: StoredKeySet): string {
  return set.keys.map((key) => `${key.kid}  ${key.alg}  ${key.status ?? 'active'}${key.retiredAt === undefined ? '' : ` (retired ${key.retiredAt})`}`).join('\n')
}
