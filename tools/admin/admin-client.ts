import { basicAuthorization } from '@gatehouse/platform'
import type { AdminActivityPage, AdminSignupsPage, AdminUser, SessionList } from '@gatehouse/schemas'

export interface AdminClientOptions {
  identityUrl: string
  tokenUrl: string
  clientId: string
  clientSecret: string
  /** Per request; a service that does not answer in time is an error, not a hang. */
  timeoutSeconds?: number
}

/** A refused or failed admin call: the service's status and error body. */
export class AdminCallError extends Error {
  readonly status: number
  readonly body: unknown

  constructor(status: number, body: unknown, message: string) {
    super(message)
    this.status = status
    this.body = body
    this.name = 'AdminCallError'
  }
}

/** Tries of the second half of `disable` (ending the sessions): it is idempotent, so retrying is safe. */
const REVOKE_TRIES = 3

/**
 * The admin API over HTTP, for `npm run admin` and the tests. Each call goes to the service that
 * owns the data; `disable` spans both (identity refuses sign-in first, then token ends every session).
 */
export function createAdminClient(options: AdminClientOptions) {
  const authorization = basicAuthorization(options.clientId, options.clientSecret)
  const timeoutMs = (options.timeoutSeconds ?? 10) * 1000

  async function call<T>(base: string, method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    }).catch((error: unknown) => {
      // "fetch failed" alone does not say which service or why (refused, timed out).
      const inner = (error as { cause?: { code?: string; message?: string } }).cause
      const cause = inner?.code ?? inner?.message ?? (error as Error).message
      throw new Error(`${method} ${base}${path.split('?')[0]}: ${cause}`, { cause: error })
    })
    const text = await response.text()
    const parsed: unknown = text === '' ? undefined : JSON.parse(text)
    if (!response.ok) {
      const message = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? response.statusText
      throw new AdminCallError(response.status, parsed, `${method} ${path}: ${response.status} ${message}`)
    }
    return parsed as T
  }
  const id = encodeURIComponent
  const query = (values: Record<string, string | undefined>): string =>
    new URLSearchParams(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString()

  const revokeSessions = (userId: string, reason: string): Promise<void> =>
    call(options.tokenUrl, 'POST', `/admin/v1/users/${id(userId)}/sessions/revoke-all`, { reason })

  /** The token half of an action, retried on 5xx; `failure` says what was done and what to run. */
  async function retried(attempt: () => Promise<void>, failure: string): Promise<void> {
    for (let tries = 1; ; tries += 1) {
      try {
        return await attempt()
      } catch (error) {
        if (tries >= REVOKE_TRIES || (error instanceof AdminCallError && error.status < 500)) {
          throw new Error(failure.replace('%s', (error as Error).message), { cause: error })
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * tries))
      }
    }
  }

  const thenEndSessions = (userId: string, reason: string, done: string): Promise<void> =>
    retried(() => revokeSessions(userId, reason), `${done}, but its sessions could not be ended (%s): run revoke-sessions`)

  return {
    signups: (reason: string, page: { limit?: string; cursor?: string } = {}) =>
      call<AdminSignupsPage>(options.identityUrl, 'GET', `/admin/v1/signups?${query({ reason, ...page })}`),
    findByEmail: (email: string, reason: string) => call<AdminUser>(options.identityUrl, 'GET', `/admin/v1/users?${query({ email, reason })}`),
    user: (userId: string, reason: string) => call<AdminUser>(options.identityUrl, 'GET', `/admin/v1/users/${id(userId)}?${query({ reason })}`),
    activity: (userId: string, reason: string, page: { limit?: string; cursor?: string } = {}) =>
      call<AdminActivityPage>(options.identityUrl, 'GET', `/admin/v1/users/${id(userId)}/activity?${query({ reason, ...page })}`),
    sessions: (userId: string, reason: string, page: { limit?: string; cursor?: string } = {}) =>
      call<SessionList>(options.tokenUrl, 'GET', `/admin/v1/users/${id(userId)}/sessions?${query({ reason, ...page })}`),
    revokeSessions,
    revokeSession: (userId: string, sessionId: string, reason: string) =>
      call<void>(options.tokenUrl, 'POST', `/admin/v1/users/${id(userId)}/sessions/${id(sessionId)}/revoke`, { reason }),
    enable: (userId: string, reason: string) => call<AdminUser>(options.identityUrl, 'POST', `/admin/v1/users/${id(userId)}/enable`, { reason }),
    openapi: () => call<object>(options.identityUrl, 'GET', '/admin/v1/openapi.json'),

    /**
     * Identity first, so no new session can start; then every existing one ends (token's per-user
     * marker). Both halves are idempotent: when the second keeps failing the error says so, and
     * running the command again (or `revoke-sessions`) finishes the job.
     */
    async disable(userId: string, reason: string): Promise<AdminUser> {
      const user = await call<AdminUser>(options.identityUrl, 'POST', `/admin/v1/users/${id(userId)}/disable`, { reason })
      await thenEndSessions(userId, reason, 'the account is disabled')
      return user
    },
    /** The link is mailed, then every session ends (as a self-service reset does). */
    async forcePasswordReset(userId: string, reason: string): Promise<void> {
      await call<void>(options.identityUrl, 'POST', `/admin/v1/users/${id(userId)}/force-password-reset`, { reason })
      await thenEndSessions(userId, reason, 'the reset link is mailed')
    },
    removeSecondFactor: (userId: string, reason: string) => call<void>(options.identityUrl, 'POST', `/admin/v1/users/${id(userId)}/remove-second-factor`, { reason }),
    removePasskey: (userId: string, passkeyId: string, reason: string) =>
      call<void>(options.identityUrl, 'POST', `/admin/v1/users/${id(userId)}/passkeys/${id(passkeyId)}/remove`, { reason }),
    /**
     * Identity marks the address; then token is told, so the sessions already open carry
     * email_verified true from their next refresh. Both halves are idempotent: run it again if the
     * second keeps failing.
     */
    async markEmailVerified(userId: string, reason: string): Promise<AdminUser> {
      const user = await call<AdminUser>(options.identityUrl, 'POST', `/admin/v1/users/${id(userId)}/mark-email-verified`, { reason })
      await retried(() => call<void>(options.tokenUrl, 'POST', `/admin/v1/users/${id(userId)}/email-verified`, { reason }),
        'the address is verified, but the open sessions could not be told (%s; they say email_verified false until the next sign-in): run mark-verified again')
      return user
    },
    /** The same erasure as self-service deletion, then every session ends (the gateway does that for self-service). */
    async deleteUser(userId: string, reason: string): Promise<void> {
      await call<void>(options.identityUrl, 'POST', `/admin/v1/users/${id(userId)}/delete`, { reason })
      await thenEndSessions(userId, reason, 'the account is deleted')
    },
  }
}

export type AdminClient = ReturnType<typeof createAdminClient>
