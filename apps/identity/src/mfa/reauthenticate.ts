import type { PasswordHasher } from '@gatehouse/crypto'
import type { UserRecord, UsersRepository } from '@gatehouse/dynamo'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes } from '@gatehouse/schemas'
import { settleAttempt, type LoginThrottle } from '../services/login-throttle.ts'
import type { SecondFactor, SecondFactorProof } from './second-factor.ts'

export interface ReauthenticateDeps {
  users: UsersRepository
  hasher: PasswordHasher
  throttle: LoginThrottle
  secondFactor: SecondFactor
}

const invalidCredentials = (): AppError => new AppError(401, ErrorCodes.INVALID_CREDENTIALS, 'Invalid email or password')

/**
 * Re-authentication for a sensitive action in the same request (OWASP ASVS V2.1/V4.3): the
 * current password and, for a user with a factor, a current code. The attempt is counted on the
 * account's login throttle before anything is checked, and cleared only when both passed, so a
 * wrong code here costs what a wrong password costs at sign-in.
 */
export function createReauthentication(deps: ReauthenticateDeps) {
  return async function reauthenticate(userId: string, currentPassword: string, deviceId: string | undefined, proof: SecondFactorProof): Promise<UserRecord> {
    const user = await deps.users.getById(userId)
    if (user === undefined) {
      await deps.hasher.verifyDummy(currentPassword)
      throw invalidCredentials()
    }
    const attempt = await deps.throttle.begin(user.email, deviceId)
    await settleAttempt(attempt, async () => {
      if (!(await deps.hasher.verify(currentPassword, user.passwordHash))) throw invalidCredentials()
      await deps.secondFactor.verifySecondFactorIfEnrolled(userId, proof)
    })
    return user
  }
}

export type Reauthenticate = ReturnType<typeof createReauthentication>
