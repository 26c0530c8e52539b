import { AppError } from '@gatehouse/platform'
import {
  ErrorCodes,
  IntrospectionResponseSchema,
  TokenPairSchema,
  type IntrospectionResponse,
  type IssueTokensRequest,
  type Jwks,
  type RefreshFailureReason,
  type RefreshRequest,
  type RevokedBy,
  type SessionList,
  type SessionPageQuery,
  type TokenPair,
} from '@gatehouse/schemas'
import { checkedBody, downstreamError, unexpectedAnswer, type CallContext, type Downstream } from './downstream.ts'

export interface JwksAnswer {
  jwks: Jwks
  cacheControl: string | undefined
}

export interface TokenClient {
  issue(context: CallContext, request: IssueTokensRequest): Promise<TokenPair>
  refresh(context: CallContext, request: RefreshRequest): Promise<TokenPair>
  revoke(context: CallContext, token: string): Promise<void>
  /** Undefined: token refused the cursor (not one it issued). */
  listSessions(context: CallContext, userId: string, query: SessionPageQuery): Promise<SessionList | undefined>
  /** False when it is not an active session of that user. */
  revokeSession(context: CallContext, userId: string, sessionId: string): Promise<boolean>
  revokeAll(context: CallContext, userId: string, exceptSessionId?: string, revokedBy?: RevokedBy): Promise<void>
  /** The user's address is verified now: their sessions' next refresh says `email_verified: true`. */
  markEmailVerified(context: CallContext, userId: string): Promise<void>
  introspect(context: CallContext, token: string): Promise<IntrospectionResponse>
  jwks(context: CallContext): Promise<JwksAnswer>
}

export class RefreshRejected extends AppError {
  readonly reason: RefreshFailureReason | 'unknown'

  constructor(reason: RefreshFailureReason | 'unknown') {
    // The reason is public on purpose: a client that sees `reused` knows to warn its user.
    super(401, ErrorCodes.INVALID_REFRESH_TOKEN, 'Refresh token is invalid, expired or revoked; sign in again', { details: { reason } })
    this.reason = reason
  }
}

const userPath = (userId: string): string => `/v1/users/${encodeURIComponent(userId)}`
const REASONS = new Set(['unknown', 'expired', 'revoked', 'reused'])

/** The token service's internal API, its answers mapped to public errors. */
export function createTokenClient(downstream: Downstream): TokenClient {
  return {
    async issue(context, request) {
      const answer = await downstream.call(context, { method: 'POST', path: '/v1/sessions', json: request })
      if (answer.status === 201 || answer.status === 200) return checkedBody(context, downstream, answer, TokenPairSchema)
      throw unexpectedAnswer(context, downstream, answer)
    },

    async refresh(context, request) {
      const answer = await downstream.call(context, { method: 'POST', path: '/v1/refresh', json: request })
      if (answer.status === 200) return checkedBody(context, downstream, answer, TokenPairSchema)
      if (answer.status === 401 && downstreamError(answer).code === ErrorCodes.INVALID_REFRESH_TOKEN) {
        const reason = String(downstreamError(answer).details['reason'])
        throw new RefreshRejected(REASONS.has(reason) ? (reason as RefreshFailureReason) : 'unknown')
      }
      // A cookie token that fails the token service's schema (mangled, too long) is just unknown.
      if (answer.status === 400) throw new RefreshRejected('unknown')
      throw unexpectedAnswer(context, downstream, answer)
    },

    async revoke(context, token) {
      const answer = await downstream.call(context, { method: 'POST', path: '/v1/revoke', json: { token, token_type_hint: 'refresh_token' } })
      // RFC 7009 §2.2: unknown tokens answer 200 too; a malformed one is as good as unknown.
      if (answer.status === 200 || answer.status === 204 || answer.status === 400) return
      throw unexpectedAnswer(context, downstream, answer)
    },

    async listSessions(context, userId, query) {
      const search = new URLSearchParams(query as Record<string, string>).toString()
      const answer = await downstream.call(context, { method: 'GET', path: `${userPath(userId)}/sessions${search === '' ? '' : `?${search}`}` })
      if (answer.status === 200) return answer.body as SessionList
      if (answer.status === 400) return undefined
      throw unexpectedAnswer(context, downstream, answer)
    },

    async revokeSession(context, userId, sessionId) {
      const answer = await downstream.call(context, { method: 'DELETE', path: `${userPath(userId)}/sessions/${encodeURIComponent(sessionId)}` })
      if (answer.status === 204 || answer.status === 200) return true
      if (answer.status === 404) return false
      throw unexpectedAnswer(context, downstream, answer)
    },

    async revokeAll(context, userId, exceptSessionId, revokedBy) {
      const json = { ...(exceptSessionId === undefined ? {} : { exceptSessionId }), ...(revokedBy === undefined ? {} : { revokedBy }) }
      const answer = await downstream.call(context, { method: 'POST', path: `${userPath(userId)}/sessions/revoke-all`, json })
      if (answer.status === 204 || answer.status === 200) return
      throw unexpectedAnswer(context, downstream, answer)
    },

    async markEmailVerified(context, userId) {
      const answer = await downstream.call(context, { method: 'POST', path: `${userPath(userId)}/email-verified`, json: {} })
      if (answer.status === 204 || answer.status === 200) return
      throw unexpectedAnswer(context, downstream, answer)
    },

    async introspect(context, token) {
      const answer = await downstream.call(context, {
        method: 'POST',
        path: '/introspect',
        form: { token, token_type_hint: 'access_token' },
      })
      if (answer.status === 200) return checkedBody(context, downstream, answer, IntrospectionResponseSchema)
      throw unexpectedAnswer(context, downstream, answer)
    },

    async jwks(context) {
      const answer = await downstream.call(context, { method: 'GET', path: '/.well-known/jwks.json', anonymous: true })
      if (answer.status === 200) {
        const cacheControl = answer.headers['cache-control']
        return { jwks: answer.body as Jwks, cacheControl: Array.isArray(cacheControl) ? cacheControl[0] : cacheControl }
      }
      throw unexpectedAnswer(context, downstream, answer)
    },
  }
}
