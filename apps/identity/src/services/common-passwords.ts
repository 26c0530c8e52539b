import { dictionary } from '@zxcvbn-ts/language-common'
import { PASSWORD_MIN_LENGTH } from '@gatehouse/schemas'

/**
 * The common-password list zxcvbn-ts maintains (about 49,000 entries from public breach corpora),
 * lower-cased; entries shorter than the minimum length are dropped since the length rule refuses
 * them anyway. Built once at start-up.
 */
export function loadCommonPasswords(): ReadonlySet<string> {
  return new Set(dictionary.passwords.filter((password) => password.length >= PASSWORD_MIN_LENGTH).map((password) => password.toLowerCase()))
}
