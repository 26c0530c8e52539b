import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { generateSigningKey, type KeySet } from '@gatehouse/crypto'
import { newMfaKeys, newSecrets, type StackSecrets } from '@gatehouse/stack'

/**
 * Development state that must survive restarts, or sessions and tokens would die with every
 * `npm start`: the signing keys and the internal client secrets, generated once under data/ and
 * readable only by their owner.
 */
function readOrCreate<T>(path: string, create: () => T): { value: T; created: boolean } {
  if (existsSync(path)) return { value: JSON.parse(readFileSync(path, 'utf8')) as T, created: false }
  const value = create()
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 })
  return { value, created: true }
}

export function devSigningKeys(path: string): { value: KeySet; created: boolean } {
  return readOrCreate<KeySet>(path, () => ({ keys: [{ ...generateSigningKey('RS256'), status: 'active' }] }))
}

export function devSecrets(path: string): { value: StackSecrets; created: boolean } {
  const state = readOrCreate(path, newSecrets)
  // Secrets written before second factors or the admin API existed get their MFA key and admin
  // client once, kept from then on.
  if (state.value.mfaEncryptionKeys === undefined || state.value.admin === undefined) {
    state.value.mfaEncryptionKeys ??= newMfaKeys()
    state.value.admin ??= newSecrets().admin
    writeFileSync(path, `${JSON.stringify(state.value, null, 2)}\n`, { mode: 0o600 })
  }
  return state
}
