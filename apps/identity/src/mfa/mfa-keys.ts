import { createHmac } from 'node:crypto'
import { openWithToken, sealWithToken } from '@gatehouse/crypto'

/**
 * The keys that protect second factors at rest (MFA_ENCRYPTION_KEYS, `id:key,…`, each key 32
 * random bytes in base64url). The first seals and MACs; every listed key still opens what it
 * sealed, so a key rotates by putting the new one first and dropping the old one once nothing
 * refers to it. In production the value comes from a secret store that KMS encrypts (see
 * docs/decisions.md); it never sits in the database, so a table read alone yields no TOTP secret
 * and no way to test recovery-code guesses offline.
 */
export interface MfaKeys {
  /** `<keyId>:<AES-256-GCM blob>`, bound to `context` (e.g. the user id) by HKDF info. */
  seal(plaintext: string, context: string): string
  /** The plaintext, or undefined for an unknown key id, a wrong context or a tampered value. */
  open(stored: string, context: string): string | undefined
  /** A keyed digest (HMAC-SHA-256) under the active key, tagged with its id. */
  mac(value: string, context: string): { keyId: string; digest: string }
  /** The digest of `value` under a named key (to check a value against stored digests). */
  macWith(keyId: string, value: string, context: string): string | undefined
}

const KEY_SHAPE = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]{43})$/

/** Parses `id:key,…`; throws with a message naming the variable, never the key. */
export function parseMfaKeys(value: string): Map<string, string> {
  const keys = new Map<string, string>()
  for (const entry of value.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const match = KEY_SHAPE.exec(entry)
    if (match === null) throw new Error('MFA_ENCRYPTION_KEYS: each entry must be id:<32 bytes base64url>')
    if (keys.has(match[1] as string)) throw new Error('MFA_ENCRYPTION_KEYS: duplicate key id')
    keys.set(match[1] as string, match[2] as string)
  }
  if (keys.size === 0) throw new Error('MFA_ENCRYPTION_KEYS: at least one key is required')
  return keys
}

export function createMfaKeys(value: string): MfaKeys {
  const keys = parseMfaKeys(value)
  const [activeId, activeKey] = [...keys.entries()][0] as [string, string]
  const digest = (key: string, input: string, context: string): string =>
    createHmac('sha256', Buffer.from(key, 'base64url')).update(`gatehouse/mfa/${context}\0${input}`).digest('base64url')
  return {
    seal: (plaintext, context) => `${activeId}:${sealWithToken(activeKey, plaintext, `mfa/${context}`)}`,
    open(stored, context) {
      const at = stored.indexOf(':')
      const key = at < 0 ? undefined : keys.get(stored.slice(0, at))
      return key === undefined ? undefined : openWithToken(key, stored.slice(at + 1), `mfa/${context}`)
    },
    mac: (value, context) => ({ keyId: activeId, digest: digest(activeKey, value, context) }),
    macWith(keyId, value, context) {
      const key = keys.get(keyId)
      return key === undefined ? undefined : digest(key, value, context)
    },
  }
}
