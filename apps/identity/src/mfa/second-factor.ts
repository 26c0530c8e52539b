import { AppError } from '@gatehouse/platform'
import { ErrorCodes } from '@gatehouse/schemas'
import type { FactorsRepository } from './factors-repository.ts'
import type { MfaKeys } from './mfa-keys.ts'
import { normalizeRecoveryCode } from './recovery-codes.ts'
import { matchTimeStep } from './totp.ts'

/** A code-based method, as clients see it in `details.methods` (the sign-in step adds `passkey`: login-step.ts). */
export type FactorMethod = 'totp' | 'recovery_code'

/** What a client presents as its second factor: one field per method. */
export interface SecondFactorProof {
  code?: string | undefined
  recoveryCode?: string | undefined
}

export type ProofOutcome =
  | { ok: true; method: 'totp' }
  | { ok: true; method: 'recovery_code'; recoveryCodesLeft: number }
  | { ok: false; reason: 'missing' | 'wrong' }

/** RFC 8176 `amr` values once a method has succeeded after the password. */
export const AMR_BY_METHOD: Record<FactorMethod, string[]> = {
  totp: ['pwd', 'otp', 'mfa'],
  // A recovery code is a second, possession-based factor but not an OTP generator: "mfa" only.
  recovery_code: ['pwd', 'mfa'],
}

export const RECOVERY_CONTEXT = (userId: string): string => `recovery-code/${userId}`
export const TOTP_CONTEXT = (userId: string): string => `totp-secret/${userId}`

export interface SecondFactorDeps {
  factors: FactorsRepository
  keys: MfaKeys
  now: () => number
  /** Told after a recovery code was spent (a notice says how many are left). */
  onRecoveryCodeUsed?: (userId: string, left: number) => Promise<void>
}

const mfaRequired = (methods: FactorMethod[]): AppError =>
  new AppError(403, ErrorCodes.MFA_REQUIRED, 'This action needs a current code from your authenticator or a recovery code', { details: { methods } })
const invalidCode = (): AppError => new AppError(403, ErrorCodes.INVALID_MFA_CODE, 'The code is not valid')

/**
 * Checks a second factor, dispatching on the field the client sent. Used by the sign-in step and
 * by every sensitive action, so each has the same replay and single-use guarantees.
 */
export function createSecondFactor(deps: SecondFactorDeps) {
  const { factors, keys, now } = deps

  /**
   * The methods a user can answer with; empty when no factor is active. `totpEnrolled`: already
   * read (sign-in reads the factor with the user, in one request), so no read here.
   */
  async function methods(userId: string, totpEnrolled?: boolean): Promise<FactorMethod[]> {
    const active = totpEnrolled ?? (await factors.getTotp(userId)) !== undefined
    return active ? ['totp', 'recovery_code'] : []
  }

  async function verifyTotp(userId: string, code: string): Promise<ProofOutcome> {
    const totp = await factors.getTotp(userId)
    const secret = totp === undefined ? undefined : keys.open(totp.secretSealed, TOTP_CONTEXT(userId))
    if (totp === undefined || secret === undefined) return { ok: false, reason: 'wrong' }
    const step = await matchTimeStep(secret, code, now(), totp.lastTimeStep)
    // The conditional write is what makes a time step single-use across concurrent requests.
    if (step === undefined || !(await factors.useTimeStep(userId, step))) return { ok: false, reason: 'wrong' }
    return { ok: true, method: 'totp' }
  }

  async function verifyRecoveryCode(userId: string, input: string): Promise<ProofOutcome> {
    const code = normalizeRecoveryCode(input)
    const recovery = code === undefined ? undefined : await factors.getRecovery(userId)
    const digest = recovery === undefined || code === undefined ? undefined : keys.macWith(recovery.keyId, code, RECOVERY_CONTEXT(userId))
    const left = recovery === undefined || digest === undefined ? undefined : await factors.useRecoveryHash(userId, recovery.keyId, digest)
    if (left === undefined) return { ok: false, reason: 'wrong' }
    await deps.onRecoveryCodeUsed?.(userId, left)
    return { ok: true, method: 'recovery_code', recoveryCodesLeft: left }
  }

  /** One proof, checked by its method; a proof naming two methods is refused by the schemas. */
  async function verify(userId: string, proof: SecondFactorProof): Promise<ProofOutcome> {
    if (proof.code !== undefined && proof.recoveryCode !== undefined) {
      throw new AppError(400, ErrorCodes.VALIDATION_FAILED, 'Send either code or recoveryCode, not both', { details: { field: 'recoveryCode' } })
    }
    if (proof.code !== undefined) return verifyTotp(userId, proof.code)
    if (proof.recoveryCode !== undefined) return verifyRecoveryCode(userId, proof.recoveryCode)
    return { ok: false, reason: 'missing' }
  }

  /**
   * The check every sensitive action makes after the password (password or email change, factor
   * changes, account deletion): nothing for a user without a factor; otherwise a current TOTP
   * code or an unused recovery code, or a 403 (MFA_REQUIRED when none was sent, INVALID_MFA_CODE
   * when it was wrong). The caller counts the attempt on the login throttle first.
   */
  async function verifySecondFactorIfEnrolled(userId: string, proof: SecondFactorProof): Promise<void> {
    const enrolled = await methods(userId)
    if (enrolled.length === 0) return
    const outcome = await verify(userId, proof)
    if (outcome.ok) return
    throw outcome.reason === 'missing' ? mfaRequired(enrolled) : invalidCode()
  }

  return { methods, verify, verifySecondFactorIfEnrolled, totpRef: factors.totpRef }
}

export type SecondFactor = ReturnType<typeof createSecondFactor>
