import { Type, type Static } from '@sinclair/typebox'

/** RFC 5321 caps a forward path at 256 octets, so an address is at most 254 characters. */
export const EMAIL_MAX_LENGTH = 254
export const PASSWORD_MIN_LENGTH = 8
/** bcrypt reads only the first 72 bytes; longer passwords are refused, never silently cut. */
export const PASSWORD_MAX_BYTES = 72

/**
 * An email as a client sends it. Surrounding spaces are allowed here and removed by
 * `normalizeEmail`; the shape check is deliberately loose (one @, a dot in the domain, no spaces):
 * whether an address works is proven by mail, not by a regular expression.
 */
export const EmailSchema = Type.String({
  minLength: 3,
  maxLength: EMAIL_MAX_LENGTH + 16,
  pattern: '^\\s*[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$',
  description: 'Email address; trimmed, Unicode-normalised (NFKC) and lower-cased before use',
  examples: ['ada@example.com'],
})

/**
 * No U+0000 in a password, anywhere: bcrypt stops reading at a NUL byte, so `abc\0abc` would
 * verify as `abc`. Refused by the schema (400) before anything is counted or compared.
 */
export const NO_NUL_PATTERN = '^[^\\u0000]*$'

/**
 * A password as a client sends it: at least 8 characters. The 72-byte bcrypt limit is counted in
 * UTF-8 bytes, which JSON Schema cannot express, so `passwordProblem` checks it in code; 72 here
 * is the character bound that no valid password can exceed anyway.
 */
export const PasswordSchema = Type.String({
  minLength: PASSWORD_MIN_LENGTH,
  pattern: NO_NUL_PATTERN,
  maxLength: PASSWORD_MAX_BYTES,
  description: `Password: at least ${PASSWORD_MIN_LENGTH} characters and at most ${PASSWORD_MAX_BYTES} bytes in UTF-8`,
})

export const UserIdSchema = Type.String({ format: 'uuid', description: 'User id (UUID)' })
export type UserId = Static<typeof UserIdSchema>

export const SessionIdSchema = Type.String({ format: 'uuid', description: 'Session id (UUID)' })
export type SessionId = Static<typeof SessionIdSchema>

/** Space-separated scope tokens, as in RFC 6749 §3.3. */
export const ScopeSchema = Type.String({ maxLength: 1024, pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*$' })
export type Scope = Static<typeof ScopeSchema>

export const IsoDateSchema = Type.String({ format: 'date-time' })

/** The one normal form of an email: every store and every lookup uses it. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFKC').toLowerCase()
}

const NORMALIZED_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u

/**
 * Checks an email AFTER `normalizeEmail`: NFKC can turn one character into several (U+FDFA is 18)
 * or into an `@` (U+FF20), so the raw string passing `EmailSchema` proves nothing about what is
 * stored and used as a DynamoDB key. Undefined when the normalised email is acceptable.
 */
export function emailProblem(normalized: string): string | undefined {
  if ([...normalized].length > EMAIL_MAX_LENGTH) return `Email must be at most ${EMAIL_MAX_LENGTH} characters`
  if (!NORMALIZED_EMAIL.test(normalized)) return 'Email is not a valid address'
  return undefined
}

/** Problems the JSON schema cannot see; undefined when the password is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if ([...password].length < PASSWORD_MIN_LENGTH) return `Password must be at least ${PASSWORD_MIN_LENGTH} characters`
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    return `Password must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8 (bcrypt ignores anything longer)`
  }
  return undefined
}

/** A sign-in's proof carries it to the token service: whether the account's address is verified (`email_verified`). */
export const EmailVerifiedSchema = Type.Boolean({ description: "Whether the account's address is verified (the access token's email_verified)" })
