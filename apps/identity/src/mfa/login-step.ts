import { constantTimeEqual, generateOpaqueToken, hashToken } from '@gatehouse/crypto'
import type { RequestOrigin, UsersRepository } from '@gatehouse/dynamo'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes, type MfaChallenge, type MfaMethod, type MfaVerifyResponse, type VerifyCredentialsResponse } from '@gatehouse/schemas'
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server'
import type { PasskeyService } from '../passkeys/passkey-service.ts'
import { hashDeviceId, settleAttempt, type LoginAttempt, type LoginThrottle } from '../services/login-throttle.ts'
import type { SignedIn, SignInMethod, SignInWrites } from '../services/sign-in-completion.ts'
import { AMR_BY_METHOD, type SecondFactor, type SecondFactorProof } from './second-factor.ts'
import type { TicketsRepository } from './tickets-repository.ts'

export interface LoginStepDeps {
  tickets: TicketsRepository
  users: UsersRepository
  throttle: LoginThrottle
  secondFactor: SecondFactor
  /** A passkey as the second factor: offered when the user has one, its challenge bound to the user. */
  passkeys: Pick<PasskeyService, 'has' | 'secondFactorOptions' | 'verifySecondFactor'>
  /** The sign-in is complete: its event, and the new-device notice. */
  signedIn: SignedIn
  now: () => number
  ticketTtlSeconds: number
  /** Codes one ticket may try (right or wrong) before it is dead. */
  maxAttempts: number
}

const SIGN_IN_METHOD: Record<MfaMethod, SignInMethod> = { totp: 'password+totp', recovery_code: 'password+recovery_code', passkey: 'password+passkey' }

/** What the sign-in step accepts: exactly one of a TOTP code, a recovery code, a passkey assertion. */
export interface LoginProof extends SecondFactorProof {
  passkey?: AuthenticationResponseJSON | undefined
}

type StepOutcome = { ok: true; method: MfaMethod; amr: string[] } | { ok: false }

/** One answer for every failure of the step: which part was wrong is not said. */
const rejected = (): AppError => new AppError(401, ErrorCodes.INVALID_CREDENTIALS, 'The code is not valid, or this sign-in step has expired; sign in again')
/** Counted on the throttle as a wrong secret, then answered as `rejected` like every other failure. */
const wrongCode = (): AppError => new AppError(401, ErrorCodes.INVALID_MFA_CODE, 'The code is not valid')

/**
 * The second step of sign-in. After a right password, a user with a factor gets an mfaToken
 * instead of tokens: 256 random bits, stored only as its SHA-256, bound to the device cookie that
 * started the sign-in, valid for `ticketTtlSeconds` and for one success. Each code (or passkey
 * assertion, over a challenge bound to the ticket's user) is counted
 * twice: on the ticket (at most `maxAttempts`, reserved before it is checked, so guesses in
 * flight are bounded too) and, when wrong, on the account's login throttle, so guessing a code
 * across many tickets is as slow as guessing a password. Only a complete
 * sign-in clears the throttle and trusts the device.
 */
export function createLoginStep(deps: LoginStepDeps) {
  const { tickets, now } = deps

  async function start(userId: string, deviceId: string, methods: MfaMethod[]): Promise<MfaChallenge> {
    const mfaToken = generateOpaqueToken()
    const at = now()
    await tickets.create({
      ticketHash: hashToken(mfaToken),
      userId,
      deviceHash: hashDeviceId(deviceId),
      attempts: 0,
      createdAt: new Date(at).toISOString(),
      expiresAt: Math.floor(at / 1000) + deps.ticketTtlSeconds,
    })
    return { mfaRequired: true, mfaToken, methods, expiresIn: deps.ticketTtlSeconds }
  }

  /** The live ticket's user, or the one generic rejection (unknown, used, expired, another device, a disabled account). */
  async function ticketUser(ticketHash: string, deviceId: string, nowSec: number) {
    const ticket = await tickets.get(ticketHash)
    if (ticket === undefined || ticket.usedAt !== undefined || ticket.expiresAt <= nowSec) throw rejected()
    if (!constantTimeEqual(ticket.deviceHash, hashDeviceId(deviceId))) throw rejected()
    const user = await deps.users.getById(ticket.userId)
    // Disabled (the admin API) between the password and the code: the ticket is dead, like an expired one.
    if (user === undefined || user.disabledAt !== undefined) throw rejected()
    return { user, attempts: ticket.attempts }
  }

  /**
   * WebAuthn request options for a live ticket: the user's passkeys only, the challenge stored
   * single-use and bound to that user. Counts nothing: the assertion is counted when it is sent.
   */
  async function passkeyOptions(mfaToken: string, deviceId: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { user, attempts } = await ticketUser(hashToken(mfaToken), deviceId, Math.floor(now() / 1000))
    // A ticket whose attempts are spent is dead: no ceremony for an answer it could not take.
    if (attempts >= deps.maxAttempts) throw rejected()
    return deps.passkeys.secondFactorOptions(user.userId).catch((error: unknown) => {
      throw error instanceof AppError && error.statusCode === 401 ? rejected() : error
    })
  }

  /** One proof by its method; a passkey that does not verify is a wrong code, counted as one. */
  async function check(userId: string, proof: LoginProof): Promise<StepOutcome> {
    if (proof.passkey === undefined) {
      const checked = await deps.secondFactor.verify(userId, proof)
      return checked.ok ? { ok: true, method: checked.method, amr: AMR_BY_METHOD[checked.method] } : { ok: false }
    }
    try {
      const verified = await deps.passkeys.verifySecondFactor(proof.passkey, userId)
      // Password and a possession factor: two factors whether or not the authenticator verified the user.
      return { ok: true, method: 'passkey', amr: ['pwd', ...verified.amr.filter((value) => value !== 'mfa'), 'mfa'] }
    } catch (error) {
      if (error instanceof AppError && error.statusCode === 401) return { ok: false }
      throw error
    }
  }

  async function complete(mfaToken: string, deviceId: string, proof: LoginProof, origin: RequestOrigin): Promise<MfaVerifyResponse> {
    const sent = [proof.code, proof.recoveryCode, proof.passkey].filter((value) => value !== undefined).length
    if (sent !== 1) {
      throw new AppError(400, ErrorCodes.VALIDATION_FAILED, 'Send exactly one of code, recoveryCode or passkey', { details: { field: sent === 0 ? 'code' : 'passkey' } })
    }
    const ticketHash = hashToken(mfaToken)
    const nowSec = Math.floor(now() / 1000)
    const { user } = await ticketUser(ticketHash, deviceId, nowSec)
    // The account's throttle first (429 while it is locked), then this ticket's own budget.
    const attempt = await deps.throttle.begin(user.email, deviceId)
    const outcome = await settleAttempt(attempt, async () => {
      // A ticket out of budget, or used meanwhile, counts nothing; a wrong code counts one failure.
      if ((await tickets.reserveAttempt(ticketHash, deps.maxAttempts, nowSec)) === undefined) throw rejected()
      const checked = await check(user.userId, proof)
      if (!checked.ok) throw wrongCode()
      if (!(await tickets.consume(ticketHash, nowSec, new Date(now()).toISOString()))) throw rejected()
      return checked
    }).catch((error: unknown) => {
      throw error instanceof AppError && error.code === ErrorCodes.INVALID_MFA_CODE ? rejected() : error
    })
    // Only now is the user signed in: the one sign_in event, and the notice for a new device.
    await deps.signedIn(user, SIGN_IN_METHOD[outcome.method], !attempt.trustedDevice, origin)
    return { userId: user.userId, scope: user.scope, amr: outcome.amr, authTime: nowSec, emailVerified: user.emailVerified === true }
  }

  /**
   * Right after a right password: a user without a factor is signed in (the throttle cleared, the
   * device trusted); a user with one gets a ticket, and the attempt stays counted until the code.
   */
  async function afterPassword(user: { userId: string; scope: string; emailVerified?: boolean; totpEnrolled?: boolean }, attempt: LoginAttempt, deviceId: string | undefined, completion?: SignInWrites): Promise<VerifyCredentialsResponse> {
    const factors = await deps.secondFactor.methods(user.userId, user.totpEnrolled)
    if (factors.length === 0) {
      // The sign-in's event and notice go with the settling (one request), or on their own after it.
      const stored = await attempt.succeeded(undefined, completion?.items ?? [])
      await completion?.committed(stored)
      return { userId: user.userId, scope: user.scope, emailVerified: user.emailVerified === true }
    }
    if (deviceId === undefined) {
      throw new AppError(400, ErrorCodes.VALIDATION_FAILED, 'deviceId is required to sign in to an account with a second factor', { details: { field: 'deviceId' } })
    }
    // A passkey is offered beside TOTP, never on its own: only an active TOTP asks for a second step.
    const methods: MfaMethod[] = (await deps.passkeys.has(user.userId)) ? [...factors, 'passkey'] : factors
    const challenge = await start(user.userId, deviceId, methods)
    // A right password never counts as a failure; the code step counts its own wrong codes, and
    // only a complete sign-in clears the counter and trusts the device.
    await attempt.abandoned()
    return challenge
  }

  return { start, complete, afterPassword, passkeyOptions }
}

export type LoginStep = ReturnType<typeof createLoginStep>
