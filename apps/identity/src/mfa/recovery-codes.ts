import { randomInt } from 'node:crypto'

/** Ten codes a user writes down; each is 12 characters of a 32-letter alphabet: 60 random bits. */
export const RECOVERY_CODE_COUNT = 10
const GROUPS = 3
const GROUP_LENGTH = 4
// Crockford's base32 alphabet: no I, L, O or U, so a code read off paper is not misread.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

/** `xxxx-xxxx-xxxx`, lower case. */
export function newRecoveryCode(): string {
  const groups: string[] = []
  for (let group = 0; group < GROUPS; group += 1) {
    let text = ''
    for (let index = 0; index < GROUP_LENGTH; index += 1) text += ALPHABET[randomInt(ALPHABET.length)]
    groups.push(text)
  }
  return groups.join('-')
}

export const newRecoveryCodes = (): string[] => Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)

/**
 * What a user typed, in the form that is hashed: case, spaces and dashes do not matter, and the
 * letters people confuse with digits are read as Crockford does (o → 0, i and l → 1). Undefined
 * when it cannot be one of our codes.
 */
export function normalizeRecoveryCode(input: string): string | undefined {
  const compact = input.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1')
  if (compact.length !== GROUPS * GROUP_LENGTH || [...compact].some((char) => !ALPHABET.includes(char))) return undefined
  return compact
}
