import { AppError } from '@gatehouse/platform'
import type { RequestOrigin } from '@gatehouse/dynamo'
import { ErrorCodes, type MfaStatus, type RecoveryCodesResponse, type TotpSetupResponse } from '@gatehouse/schemas'
import type { FactorsRepository, RecoveryRecord } from './factors-repository.ts'
import type { MfaKeys } from './mfa-keys.ts'
import type { Reauthenticate } from './reauthenticate.ts'
import { newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.ts'
import { RECOVERY_CONTEXT, TOTP_CONTEXT, type SecondFactorProof } from './second-factor.ts'
import { matchTimeStep, newTotpSecret, qrSvg, totpUri } from './totp.ts'

/** Told after a factor was turned on or off, or its recovery codes renewed (an activity event, and a notice mailed). */
export interface FactorEvents {
  factorEnabled?: (userId: string, origin?: RequestOrigin) => Promise<void>
  factorDisabled?: (userId: string, origin?: RequestOrigin) => Promise<void>
  recoveryCodesRenewed?: (userId: string, origin?: RequestOrigin) => Promise<void>
}

export interface MfaServiceDeps {
  factors: FactorsRepository
  keys: MfaKeys
  reauthenticate: Reauthenticate
  now: () => number
  issuer: string
  setupTtlSeconds: number
  events?: FactorEvents
}

const alreadyEnabled = (): AppError => new AppError(409, ErrorCodes.MFA_ALREADY_ENABLED, 'An authenticator is already active; turn it off first')
const notEnabled = (): AppError => new AppError(409, ErrorCodes.MFA_NOT_ENABLED, 'No authenticator is active')

/** Enrolment and management of a user's TOTP factor and recovery codes. */
export function createMfaService(deps: MfaServiceDeps) {
  const { factors, keys, now } = deps
  const iso = (): string => new Date(now()).toISOString()

  /** Fresh codes: the plaintexts to show once, and the record holding only their keyed digests. */
  function recoverySet(userId: string): { codes: string[]; record: RecoveryRecord } {
    const codes = newRecoveryCodes()
    const digests = codes.map((code) => keys.mac(normalizeRecoveryCode(code) as string, RECOVERY_CONTEXT(userId)))
    const keyId = digests[0]?.keyId as string
    return { codes, record: { userId, factor: 'recovery', keyId, hashes: new Set(digests.map((entry) => entry.digest)), createdAt: iso() } }
  }

  async function requireEnabled(userId: string): Promise<void> {
    if ((await factors.getTotp(userId)) === undefined) throw notEnabled()
  }

  return {
    /** Starts an enrolment (password re-checked); nothing is active until confirm. */
    async setupTotp(userId: string, currentPassword: string, deviceId: string | undefined): Promise<TotpSetupResponse> {
      if ((await factors.getTotp(userId)) !== undefined) throw alreadyEnabled()
      const user = await deps.reauthenticate(userId, currentPassword, deviceId, {})
      const secret = newTotpSecret()
      const createdAt = iso()
      await factors.putPending({
        userId,
        factor: 'totp-pending',
        secretSealed: keys.seal(secret, TOTP_CONTEXT(userId)),
        createdAt,
        expiresAt: Math.ceil(now() / 1000) + deps.setupTtlSeconds,
      })
      const otpauthUri = totpUri(secret, deps.issuer, user.email)
      return { secret, otpauthUri, qrSvg: qrSvg(otpauthUri) }
    },

    /** A code from the new authenticator turns it on and yields the first recovery codes. */
    async confirmTotp(userId: string, code: string, origin?: RequestOrigin): Promise<RecoveryCodesResponse> {
      const pending = await factors.getPending(userId)
      if (pending === undefined || pending.expiresAt <= now() / 1000) {
        if ((await factors.getTotp(userId)) !== undefined) throw alreadyEnabled()
        throw new AppError(409, ErrorCodes.MFA_NOT_ENABLED, 'No enrolment in progress (or it expired): start the setup again')
      }
      const secret = keys.open(pending.secretSealed, TOTP_CONTEXT(userId))
      const step = secret === undefined ? undefined : await matchTimeStep(secret, code, now())
      if (step === undefined) throw new AppError(403, ErrorCodes.INVALID_MFA_CODE, 'The code is not valid')
      const { codes, record } = recoverySet(userId)
      // The confirming code's step counts as used: it cannot sign in a moment later.
      if (!(await factors.confirm(pending, step, record, iso()))) throw alreadyEnabled()
      await deps.events?.factorEnabled?.(userId, origin)
      return { recoveryCodes: codes }
    },

    async disableTotp(userId: string, currentPassword: string, deviceId: string | undefined, proof: SecondFactorProof, origin?: RequestOrigin): Promise<void> {
      await requireEnabled(userId)
      await deps.reauthenticate(userId, currentPassword, deviceId, proof)
      await factors.disable(userId)
      await deps.events?.factorDisabled?.(userId, origin)
    },

    /** A new set of recovery codes; every earlier code stops working in the same write. */
    async regenerateRecoveryCodes(userId: string, currentPassword: string, deviceId: string | undefined, proof: SecondFactorProof, origin?: RequestOrigin): Promise<RecoveryCodesResponse> {
      await requireEnabled(userId)
      await deps.reauthenticate(userId, currentPassword, deviceId, proof)
      const { codes, record } = recoverySet(userId)
      await factors.replaceRecovery(record)
      await deps.events?.recoveryCodesRenewed?.(userId, origin)
      return { recoveryCodes: codes }
    },

    async status(userId: string): Promise<MfaStatus> {
      const [totp, recovery] = await Promise.all([factors.getTotp(userId), factors.getRecovery(userId)])
      return { totp: totp !== undefined, recoveryCodesLeft: totp === undefined ? 0 : (recovery?.hashes?.size ?? 0) }
    },

    /** The account-erasure hook: every factor of the user, gone. */
    eraseUser: (userId: string): Promise<void> => factors.eraseUser(userId),
  }
}

export type MfaService = ReturnType<typeof createMfaService>
