import { AppError } from '@gatehouse/platform'
import { ErrorCodes, type TokenPair, type User } from '@gatehouse/schemas'
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
  register(context: CallContext, request: RegisterRequest): Promise<{ userId: string }>
  /** `deviceId`: the device cookie, which identity uses to keep strangers from locking the owner out. */
  login(context: CallContext, credentials: Credentials & { deviceId: string; newDevice?: true }, device: DeviceHints): Promise<TokenPair>
  refresh(context: CallContext, refreshToken: string, device: DeviceHints): Promise<TokenPair>
  logout(context: CallContext, refreshToken: string | undefined): Promise<void>
  logoutAll(context: CallContext, principal: Principal): Promise<void>
  me(context: CallContext, principal: Principal): Promise<User>
  sessions(context: CallContext, principal: Principal): Promise<PublicSession[]>
  revokeSession(context: CallContext, principal: Principal, sessionId: string): Promise<void>
  /** `deviceId`: the device cookie, so strangers' failed logins cannot block the owner here either. */
  changePassword(context: CallContext, principal: Principal, body: ChangePasswordBody & { deviceId?: string }): Promise<void>
}

const USER_AGENT_MAX = 512
const IP_SHAPE = /^[0-9A-Fa-f:.]{1,45}$/

/** Device hints as the token service accepts them: a long User-Agent is cut, an odd IP dropped. */
export function hints(device: DeviceHints): DeviceHints {
  return {
    ...(device.userAgent === undefined || device.userAgent === '' ? {} : { userAgent: device.userAgent.slice(0, USER_AGENT_MAX) }),
    ...(device.ip !== undefined && IP_SHAPE.test(device.ip) ? { ip: device.ip } : {}),
  }
}

/** The public flows, orchestrated over identity and token; no HTTP or cookie concerns here. */
export function createAuthService(deps: { identity: IdentityClient; token: TokenClient }): AuthService {
  const { identity, token } = deps
  return {
    async register(context, request) {
      const user = await identity.createUser(context, request)
      return { userId: user.userId }
    },

    async login(context, credentials, device) {
      const { userId, scope } = await identity.verifyCredentials(context, credentials)
      return token.issue(context, { userId, scope, ...hints(device) })
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

    async sessions(context, principal) {
      const sessions = await token.listSessions(context, principal.userId)
      return sessions.map((session) => ({
        id: session.sessionId,
        createdAt: session.createdAt,
        lastUsedAt: session.lastUsedAt,
        userAgent: session.userAgent ?? null,
        current: session.sessionId === principal.sessionId,
      }))
    },

    async revokeSession(context, principal, sessionId) {
      const revoked = await token.revokeSession(context, principal.userId, sessionId)
      if (!revoked) throw new AppError(404, ErrorCodes.NOT_FOUND, 'No active session with this id')
    },

    async changePassword(context, principal, body) {
      await identity.changePassword(context, principal.userId, body)
      // A changed password ends every other sign-in (a thief's included); the caller stays in.
      await token.revokeAll(context, principal.userId, principal.sessionId)
    },
  }
}
