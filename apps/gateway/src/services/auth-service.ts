import { AppError } from '@gatehouse/platform'
import { ErrorCodes, type ActivityPage, type ActivityQuery, type SessionPageQuery, type TokenPair, type User } from '@gatehouse/schemas'
import type { CallContext } from '../clients/downstream.ts'
import type { IdentityClient } from '../clients/identity-client.ts'
import type { TokenClient } from '../clients/token-client.ts'
import type { Principal } from '../plugins/bearer-auth.ts'
import type { ChangePasswordBody, Credentials, PublicSession, RegisterRequest } from '../schemas/auth.ts'

export interface DeviceHints {
  userAgent?: string | undefined
  ip?: string | undefined
}

export interface AuthService {
  /** Undefined: the enumeration-safe answer (202), which says nothing about the address. */
  register(context: CallContext, request: RegisterRequest): Promise<{ userId: string } | undefined>
  /** `deviceId`: the device cookie, which identity uses to keep strangers from locking the owner out. */
  login(context: CallContext, credentials: Credentials & { deviceId: string; newDevice?: true }, device: DeviceHints): Promise<TokenPair>
  refresh(context: CallContext, refreshToken: string, device: DeviceHints): Promise<TokenPair>
  logout(context: CallContext, refreshToken: string | undefined): Promise<void>
  logoutAll(context: CallContext, principal: Principal): Promise<void>
  me(context: CallContext, principal: Principal): Promise<User>
  sessions(context: CallContext, principal: Principal, query: SessionPageQuery): Promise<{ sessions: PublicSession[]; next?: string }>
  revokeSession(context: CallContext, principal: Principal, sessionId: string): Promise<void>
  /** `deviceId`: the device cookie, so strangers' failed logins cannot block the owner here either. */
  changePassword(context: CallContext, principal: Principal, body: ChangePasswordBody & { deviceId?: string }): Promise<void>
  activity(context: CallContext, principal: Principal, query: ActivityQuery): Promise<ActivityPage>
}

/** Revoke-all attempts after a password change, and the pause before each retry. */
const REVOKE_RETRY_DELAYS_MS = [100, 400]
/**
 * A right password for an account with a second factor: no tokens and no refresh cookie, but an
 * mfaToken for POST /auth/login/mfa, in the shape Auth0's clients know (`mfa_required`).
 */
export const mfaRequired = (mfaToken: string, methods: string[]): AppError =>
  new AppError(403, ErrorCodes.MFA_REQUIRED, 'A second factor is needed to finish signing in', { details: { mfaToken, methods } })

const USER_AGENT_MAX = 512
const IP_SHAPE = /^[0-9A-Fa-f:.]{1,45}$/

/** Device hints as the token service accepts them: a long User-Agent is cut, an odd IP dropped. */
export function hints(device: DeviceHints): DeviceHints {
  return {
    ...(device.userAgent === undefined || device.userAgent === '' ? {} : { userAgent: device.userAgent.slice(0, USER_AGENT_MAX) }),
    ...(device.ip !== undefined && IP_SHAPE.test(device.ip) ? { ip: device.ip } : {}),
  }
}

/**
 * The new hash is committed by now, so giving up at the first failed revoke-all would leave a
 * thief's sessions alive: it is retried, and when the token service stays down the client is told
 * the truth. Identity accepts the same change sent again (the new password already verifies), so
 * the client's retry finishes the job instead of hearing "current password is incorrect".
 */
async function endOtherSessions(token: TokenClient, context: CallContext, principal: Principal): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await token.revokeAll(context, principal.userId, principal.sessionId, 'password_change')
      return
    } catch (error) {
      const delay = REVOKE_RETRY_DELAYS_MS[attempt]
      if (!(error instanceof AppError) || error.statusCode !== 503) throw error
      if (delay === undefined) {
        throw new AppError(503, ErrorCodes.SERVICE_UNAVAILABLE, 'Your password was changed, but your other sessions could not be signed out yet; send the same request again to finish', {
          headers: { 'retry-after': '5' },
        })
      }
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}

/** The public flows, orchestrated over identity and token; no HTTP or cookie concerns here. */
export function createAuthService(deps: { identity: IdentityClient; token: TokenClient }): AuthService {
  const { identity, token } = deps
  return {
    async register(context, request) {
      const user = await identity.createUser(context, request)
      return user === undefined ? undefined : { userId: user.userId }
    },

    async login(context, credentials, device) {
      // Taken before the password is checked: a password change that lands meanwhile ends this session too.
      const authTime = new Date().toISOString()
      const verified = await identity.verifyCredentials(context, credentials)
      if ('mfaRequired' in verified) throw mfaRequired(verified.mfaToken, verified.methods)
      return token.issue(context, { userId: verified.userId, scope: verified.scope, amr: ['pwd'], authTime, emailVerified: verified.emailVerified, ...hints(device) })
    },

    refresh: (context, refreshToken, device) => token.refresh(context, { refreshToken, ...hints(device) }),

    async logout(context, refreshToken) {
      // Idempotent: no cookie means nothing to revoke, and the token service answers 200 for
      // tokens it does not know (RFC 7009 §2.2).
      if (refreshToken !== undefined) await token.revoke(context, refreshToken)
    },

    logoutAll: (context, principal) => token.revokeAll(context, principal.userId),

    async me(context, principal) {
      const user = await identity.getUser(context, principal.userId)
      if (user === undefined) throw new AppError(401, ErrorCodes.INVALID_TOKEN, 'The account of this access token no longer exists')
      return user
    },

    async sessions(context, principal, query) {
      const page = await token.listSessions(context, principal.userId, query)
      if (page === undefined) throw new AppError(400, ErrorCodes.VALIDATION_FAILED, 'Unknown cursor; start from the first page', { details: { field: 'cursor' } })
      return {
        sessions: page.sessions.map((session) => ({
          id: session.sessionId,
          createdAt: session.createdAt,
          lastUsedAt: session.lastUsedAt,
          userAgent: session.userAgent ?? null,
          current: session.sessionId === principal.sessionId,
        })),
        ...(page.next === undefined ? {} : { next: page.next }),
      }
    },

    async revokeSession(context, principal, sessionId) {
      const revoked = await token.revokeSession(context, principal.userId, sessionId)
      if (!revoked) throw new AppError(404, ErrorCodes.NOT_FOUND, 'No active session with this id')
    },

    async changePassword(context, principal, body) {
      await identity.changePassword(context, principal.userId, body)
      // A changed password ends every other sign-in (a thief's included); the caller stays in.
      await endOtherSessions(token, context, principal)
    },

    async activity(context, principal, query) {
      const page = await identity.activity(context, principal.userId, query)
      if (page === undefined) throw new AppError(400, ErrorCodes.VALIDATION_FAILED, 'Unknown cursor; start from the first page', { details: { field: 'cursor' } })
      return page
    },
  }
}
