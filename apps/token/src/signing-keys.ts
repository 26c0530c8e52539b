import { readFile } from 'node:fs/promises'
import { createKeyRing, InvalidKeySetError, type KeyRing, type KeySet } from '@gatehouse/crypto'
import { ConfigError } from '@gatehouse/platform'
import type { TokenConfig } from './config.ts'

/**
 * Loads the private JWK set from SIGNING_KEYS or SIGNING_KEYS_FILE, once, at start-up. The
 * service only loads keys: `tools/keys` generates and rotates them. Every failure is a
 * ConfigError naming the variable, so a bad key set stops the process with a clear reason.
 */
export async function loadKeyRing(config: Pick<TokenConfig, 'SIGNING_KEYS' | 'SIGNING_KEYS_FILE'>): Promise<KeyRing> {
  const inline = config.SIGNING_KEYS
  const file = config.SIGNING_KEYS_FILE
  if (inline === undefined && file === undefined) {
    throw new ConfigError(['SIGNING_KEYS or SIGNING_KEYS_FILE: one must be set (a private JWK set; `node tools/keys/cli.ts generate --file <path>` makes one)'])
  }
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError(['SIGNING_KEYS and SIGNING_KEYS_FILE: set only one of them'])
  }
  const variable = inline === undefined ? 'SIGNING_KEYS_FILE' : 'SIGNING_KEYS'
  let text: string
  if (inline !== undefined) {
    text = inline
  } else {
    try {
      text = await readFile(file as string, 'utf8')
    } catch (error) {
      throw new ConfigError([`SIGNING_KEYS_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`])
    }
  }
  let keySet: unknown
  try {
    keySet = JSON.parse(text)
  } catch {
    // The parser's message could quote key material, so it is not repeated.
    throw new ConfigError([`${variable}: not valid JSON`])
  }
  try {
    return createKeyRing(keySet as KeySet)
  } catch (error) {
    if (error instanceof InvalidKeySetError) throw new ConfigError([`${variable}: ${error.message}`])
    throw error
  }
}
