import { randomUUID } from 'node:crypto'
import type { PasswordHasher } from '@gatehouse/crypto'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes, emailProblem, normalizeEmail, type User, type VerifyCredentialsResponse } from '@gatehouse/schemas'
import type { ExtraTransactItem, RequestOrigin, SecurityEventsRepository, UsersRepository, UserRecord } from '@gatehouse/dynamo'
import type { LoginStep } from '../mfa/login-step.ts'
import type { SecondFactor, SecondFactorProof } from '../mfa/second-factor.ts'
import type { IdentityMetrics } from './identity-metrics.ts'
import { settleFailure, type LoginAttempt, type LoginThrottle } from './login-throttle.ts'
import type { PasswordPolicy } from './password-policy.ts'
import { busyUnavailable } from './busy-hasher.ts'
import { createCredentialChecker } from './credential-checker.ts'
import type { SignedIn } from './sign-in-completion.ts'

export interface UserServiceDeps {
  users: UsersRepository
  hasher: PasswordHasher
  policy: PasswordPolicy
  throttle: LoginThrottle
  events: SecurityEventsRepository
  metrics: IdentityMetrics
  loginStep: LoginStep
  secondFactor: SecondFactor
  /** A completed sign-in: its event, and the new-device notice. */
  signedIn: SignedIn
  defaultScope: string
  now: () => number
  newId?: () => string
  /** Written in the user's own transaction (the verification token and its mail). */
  signUpWrites?: (user: UserRecord) => ExtraTransactItem[]
  /** After a sign-up committed (wakes the mail worker). */
  afterSignUp?: () => void
  /** REQUIRE_VERIFIED_EMAIL: a right password for an unverified address gets 403 EMAIL_NOT_VERIFIED. */
  requireVerifiedEmail?: boolean
  /**
   * SIGNUP_ENUMERATION_SAFE: a sign-up for a taken address mails its owner (this, through the
   * outbox) and answers like a new account, instead of 409.
   */
  onSignUpForTakenEmail?: (email: string) => Promise<void>
}

/** Transaction conflicts (two creates racing on one email) are retried this many times. */
const CREATE_TRIES = 4

const invalidCredentials = (): AppError =>
  new AppError(401, ErrorCodes.INVALID_CREDENTIALS, 'Invalid email or password')

/**
 * Said only to someone who knows the password (a wrong one gets the generic 401), so it reveals
 * nothing to a stranger. The sign-up link, or a password reset (whose link proves the address too),
 * gets them in.
 */
export const emailNotVerified = (): AppError =>
  new AppError(403, ErrorCodes.EMAIL_NOT_VERIFIED, 'Confirm your email address first: follow the link we mailed you at sign-up, or reset your password to get a new link')

const profile = (user: Pick<UserRecord, 'userId' | 'email' | 'createdAt' | 'emailVerified'>): User =>
  ({ userId: user.userId, email: user.email, createdAt: user.createdAt, emailVerified: user.emailVerified === true })

/** The stored form of an email, or a 400 when normalising made it invalid or too long. */
function canonicalEmail(rawEmail: string): string {
  const email = normalizeEmail(rawEmail)
  const problem = emailProblem(email)
  if (problem !== undefined) throw new AppError(400, ErrorCodes.VALIDATION_FAILED, problem, { details: { field: 'email' } })
  return email
}

/** A check that gave no answer gives its throttle place back, counting nothing. */
async function settleOnError<T>(attempt: LoginAttempt, check: Promise<T>): Promise<T> {
  try {
    return await check
  } catch (error) {
    await attempt.abandoned().catch(() => undefined)
    throw error
  }
}

export function createUserService(deps: UserServiceDeps) {
  const { users, hasher, policy, throttle, events } = deps
  const newId = deps.newId ?? randomUUID
  const iso = (): string => new Date(deps.now()).toISOString()
  const credentials = createCredentialChecker({ users, hasher, iso, totpRef: deps.secondFactor.totpRef })

  /**
   * The new user's profile; undefined when the address was taken and SIGNUP_ENUMERATION_SAFE mailed
   * its owner instead. Both paths hash the password and attempt the same transaction (the taken
   * one adds one outbox write), so the time does not tell them apart either.
   */
  async function createUser(rawEmail: string, password: string): Promise<User | undefined> {
    const email = canonicalEmail(rawEmail)
    policy(password)
    const createdAt = iso()
    const user: UserRecord = { userId: newId(), email, passwordHash: await hasher.hash(password), scope: deps.defaultScope, createdAt, updatedAt: createdAt, firstSignInPending: true }
    const extra = deps.signUpWrites?.(user) ?? []
    for (let attempt = 1; attempt <= CREATE_TRIES; attempt += 1) {
      const result = await users.create(user, extra)
      if (result === 'created') {
        deps.afterSignUp?.()
        return profile(user)
      }
      if (result === 'email-taken') break
      // A conflicting transaction may be the one that takes this email; look again.
      if ((await users.emailOwner(email)) !== undefined) break
    }
    if (deps.onSignUpForTakenEmail !== undefined) {
      await deps.onSignUpForTakenEmail(email)
      return undefined
    }
    throw new AppError(409, ErrorCodes.EMAIL_TAKEN, 'An account with this email already exists')
  }

  /**
   * `deviceId`: the caller's device cookie, which lets a device the owner used before skip
   * strangers' lockouts; `newDevice`: the caller minted it just now, so it is not trusted yet.
   */
  async function verifyCredentials(rawEmail: string, password: string, origin: RequestOrigin, deviceId?: string, newDevice = false, signal?: AbortSignal): Promise<VerifyCredentialsResponse> {
    const email = canonicalEmail(rawEmail)
    const { signIns } = deps.metrics
    // Under a burst the bcrypt line refuses the excess; refuse it here, before the throttle's
    // write and the lookups, so a turned-away sign-in costs no DynamoDB request (the same answer
    // whatever the email, so it reveals nothing).
    if (hasher.refusesNow()) throw busyUnavailable()
    const attempt = await throttle.begin(email, deviceId, newDevice).catch((error: unknown) => {
      signIns.throttled.inc()
      throw error
    })
    const user = await settleOnError(attempt, credentials.check(email, password, signal))
    if (user === undefined) {
      signIns.wrong_credentials.inc()
      await recordThrottle(email, await attempt.failed(), origin)
      throw invalidCredentials()
    }
    if (user.disabledAt !== undefined) {
      // Exactly a wrong password's answer (and throttle count), so sign-in is no oracle for which
      // accounts were frozen; the owner's activity (and the admin's view) says why.
      signIns.wrong_credentials.inc()
      await recordThrottle(email, await attempt.failed(), origin, user.userId)
      await events.record({ type: 'sign_in_refused_disabled', userId: user.userId, ...origin }, origin.log)
      throw invalidCredentials()
    }
    if (deps.requireVerifiedEmail === true && user.emailVerified !== true) {
      // A right password never counts as a failure; the sign-in did not happen, so nothing is trusted.
      await attempt.abandoned()
      signIns.email_not_verified.inc()
      throw emailNotVerified()
    }
    // A device is new to the account unless its cookie was already trusted there. A user with a
    // factor is signed in only by the code step (login-step.ts), which records it there; for one
    // without, the event and notice are written with the throttle's settling, in one request.
    const completion = deps.signedIn.prepare(user, 'password', !attempt.trustedDevice, origin)
    const verified = await settleOnError(attempt, deps.loginStep.afterPassword(user, attempt, deviceId, completion))
    if ('mfaRequired' in verified) signIns.mfa_required.inc()
    return verified
  }

  /**
   * The failure that locked the account is recorded for its owner (only for an account that
   * exists: unknown emails are throttled too, and have nobody to tell).
   */
  async function recordThrottle(email: string, locked: boolean, origin: RequestOrigin, userId?: string): Promise<void> {
    if (!locked) return
    const owner = userId ?? (await users.emailOwner(email))
    if (owner !== undefined) await events.record({ type: 'sign_in_throttled', userId: owner, ...origin }, origin.log)
  }

  async function getUser(userId: string): Promise<User> {
    const user = await users.getById(userId)
    if (user === undefined) throw new AppError(404, ErrorCodes.NOT_FOUND, 'User not found')
    return profile(user)
  }

  /**
   * Re-authenticates with the current password and, for a user with a factor, a current code
   * (throttled like a login), then stores the new hash and ends every device trust made before
   * it. The same change sent again (its new password already verifies) succeeds without changing
   * anything: the gateway's client retries it when the sessions could not be ended the first time,
   * and must not hear "current password is incorrect".
   */
  async function changePassword(userId: string, currentPassword: string, newPassword: string, origin: RequestOrigin, deviceId?: string, proof: SecondFactorProof = {}, signal?: AbortSignal): Promise<void> {
    policy(newPassword)
    const user = await users.getById(userId)
    if (user === undefined) {
      // Same cost and answer as a wrong password, so the route cannot probe for user ids.
      await hasher.verifyDummy(currentPassword, signal)
      throw invalidCredentials()
    }
    const attempt = await throttle.begin(user.email, deviceId)
    if (!(await settleOnError(attempt, hasher.verify(currentPassword, user.passwordHash, signal)))) {
      if (!(await settleOnError(attempt, hasher.verify(newPassword, user.passwordHash, signal)))) {
        await recordThrottle(user.email, await attempt.failed(), origin, userId)
        throw invalidCredentials()
      }
      // The first try may have failed between the hash and the trust marker: write it again.
      await attempt.succeeded(await throttle.credentialsChanged(user.email))
      return
    }
    // A wrong code counts like a wrong password; a missing one (MFA_REQUIRED) counts nothing.
    await deps.secondFactor.verifySecondFactorIfEnrolled(userId, proof)
      .catch((error: unknown) => settleFailure(attempt, error, (locked) => recordThrottle(user.email, locked, origin, userId)))
    const replaced = await settleOnError(attempt, hasher.hash(newPassword).then((hash) => users.replacePasswordHash(userId, user.passwordHash, hash, iso())))
    // Another change won the race: the password just verified is no longer current.
    if (!replaced) {
      await attempt.abandoned()
      throw invalidCredentials()
    }
    await attempt.succeeded(await throttle.credentialsChanged(user.email))
    await events.record({ type: 'password_changed', userId, ...origin }, origin.log)
  }

  return { createUser, verifyCredentials, getUser, changePassword }
}

export type UserService = ReturnType<typeof createUserService>
