import { randomUUID } from 'node:crypto'
import type { PasswordHasher } from '@gatehouse/crypto'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes, emailProblem, normalizeEmail, type User, type VerifyCredentialsResponse } from '@gatehouse/schemas'
import type { UsersRepository, UserRecord } from '@gatehouse/dynamo'
import type { LoginStep } from '../mfa/login-step.ts'
import type { SecondFactor, SecondFactorProof } from '../mfa/second-factor.ts'
import type { LoginThrottle } from './login-throttle.ts'
import type { PasswordPolicy } from './password-policy.ts'
import { createCredentialChecker } from './credential-checker.ts'

export interface UserServiceDeps {
  users: UsersRepository
  hasher: PasswordHasher
  policy: PasswordPolicy
  throttle: LoginThrottle
  loginStep: LoginStep
  secondFactor: SecondFactor
  defaultScope: string
  now: () => number
  newId?: () => string
}

/** Transaction conflicts (two creates racing on one email) are retried this many times. */
const CREATE_TRIES = 4

const invalidCredentials = (): AppError =>
  new AppError(401, ErrorCodes.INVALID_CREDENTIALS, 'Invalid email or password')

const profile = (user: Pick<UserRecord, 'userId' | 'email' | 'createdAt'>): User =>
  ({ userId: user.userId, email: user.email, createdAt: user.createdAt })

/** The stored form of an email, or a 400 when normalising made it invalid or too long. */
function canonicalEmail(rawEmail: string): string {
  const email = normalizeEmail(rawEmail)
  const problem = emailProblem(email)
  if (problem !== undefined) throw new AppError(400, ErrorCodes.VALIDATION_FAILED, problem, { details: { field: 'email' } })
  return email
}

export function createUserService(deps: UserServiceDeps) {
  const { users, hasher, policy, throttle } = deps
  const newId = deps.newId ?? randomUUID
  const iso = (): string => new Date(deps.now()).toISOString()
  const credentials = createCredentialChecker({ users, hasher, iso })

  async function createUser(rawEmail: string, password: string): Promise<User> {
    const email = canonicalEmail(rawEmail)
    policy(password)
    const createdAt = iso()
    const user: UserRecord = { userId: newId(), email, passwordHash: await hasher.hash(password), scope: deps.defaultScope, createdAt, updatedAt: createdAt }
    for (let attempt = 1; attempt <= CREATE_TRIES; attempt += 1) {
      const result = await users.create(user)
      if (result === 'created') return profile(user)
      if (result === 'email-taken') break
      // A conflicting transaction may be the one that takes this email; look again.
      if ((await users.emailOwner(email)) !== undefined) break
    }
    throw new AppError(409, ErrorCodes.EMAIL_TAKEN, 'An account with this email already exists')
  }

  /**
   * `deviceId`: the caller's device cookie, which lets a device the owner used before skip
   * strangers' lockouts; `newDevice`: the caller minted it just now, so it is not trusted yet.
   */
  async function verifyCredentials(rawEmail: string, password: string, deviceId?: string, newDevice = false): Promise<VerifyCredentialsResponse> {
    const email = canonicalEmail(rawEmail)
    const attempt = await throttle.begin(email, deviceId, newDevice)
    const user = await credentials.check(email, password)
    if (user === undefined) throw invalidCredentials()
    return deps.loginStep.afterPassword(user, attempt, deviceId)
  }

  async function getUser(userId: string): Promise<User> {
    const user = await users.getById(userId)
    if (user === undefined) throw new AppError(404, ErrorCodes.NOT_FOUND, 'User not found')
    return profile(user)
  }

  /**
   * Re-authenticates with the current password and, for a user with a factor, a current code
   * (throttled like a login), then stores the new hash.
   */
  async function changePassword(userId: string, currentPassword: string, newPassword: string, deviceId?: string, proof: SecondFactorProof = {}): Promise<void> {
    policy(newPassword)
    const user = await users.getById(userId)
    if (user === undefined) {
      // Same cost and answer as a wrong password, so the route cannot probe for user ids.
      await hasher.verifyDummy(currentPassword)
      throw invalidCredentials()
    }
    const attempt = await throttle.begin(user.email, deviceId)
    if (!(await hasher.verify(currentPassword, user.passwordHash))) throw invalidCredentials()
    await deps.secondFactor.verifySecondFactorIfEnrolled(userId, proof)
    await attempt.succeeded()
    const replaced = await users.replacePasswordHash(userId, user.passwordHash, await hasher.hash(newPassword), iso())
    // Another change won the race: the password just verified is no longer current.
    if (!replaced) throw invalidCredentials()
  }

  return { createUser, verifyCredentials, getUser, changePassword }
}

export type UserService = ReturnType<typeof createUserService>
