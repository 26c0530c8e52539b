import { AppError } from '@gatehouse/platform'
import { ErrorCodes, PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from '@gatehouse/schemas'

export type PasswordPolicy = (password: string) => void

/**
 * NIST SP 800-63B §5.1.1.2: a minimum length, no composition rules, and refusal of passwords
 * known from breach lists. bcrypt reads only 72 bytes, so longer passwords are refused rather
 * than silently truncated. Throws a 400 naming the rule that failed.
 */
export function createPasswordPolicy(commonPasswords: ReadonlySet<string>): PasswordPolicy {
  return (password) => {
    if ([...password].length < PASSWORD_MIN_LENGTH) {
      throw new AppError(400, ErrorCodes.WEAK_PASSWORD, `Password must be at least ${PASSWORD_MIN_LENGTH} characters`)
    }
    if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
      throw new AppError(400, ErrorCodes.PASSWORD_TOO_LONG, `Password must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8`, {
        details: { maxBytes: PASSWORD_MAX_BYTES },
      })
    }
    if (commonPasswords.has(password.toLowerCase())) {
      throw new AppError(400, ErrorCodes.WEAK_PASSWORD, 'This password is on a list of commonly used passwords; choose a different one')
    }
  }
}
