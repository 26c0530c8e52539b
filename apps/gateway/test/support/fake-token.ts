import { randomBytes, randomUUID } from 'node:crypto'
import formbody from '@fastify/formbody'
import { startFake, type FakeService } from './fake-identity.ts'

/**
 * A stand-in token service: sessions, rotating refresh tokens with reuse detection, revocation
 * and RFC 7662 introspection, in memory, on a real port. Access tokens here are opaque strings;
 * the gateway only ever introspects them.
 */
interface Session { sessionId: string; userId: string; scope: string; createdAt: string; lastUsedAt: string; userAgent?: string; ip?: string; revoked: boolean }

const REFRESH_TTL = 2_592_000
const error = (code: string, message: string, details?: Record<string, unknown>) => ({ error: { code, message, requestId: 'downstream', ...(details ? { details } : {}) } })

export async function startFakeToken(): Promise<FakeService & { sessions: Map<string, Session> }> {
  const sessions = new Map<string, Session>()
  const refreshTokens = new Map<string, { sessionId: string; used: boolean }>()
  const accessTokens = new Map<string, { sessionId: string; jti: string }>()

  const pair = (session: Session) => {
    const accessToken = `at.${randomBytes(16).toString('base64url')}`
    const refreshToken = randomBytes(32).toString('base64url')
    accessTokens.set(accessToken, { sessionId: session.sessionId, jti: randomUUID() })
    refreshTokens.set(refreshToken, { sessionId: session.sessionId, used: false })
    return { accessToken, tokenType: 'Bearer', expiresIn: 900, refreshToken, refreshExpiresIn: REFRESH_TTL, sessionId: session.sessionId }
  }

  const fake = await startFake((app) => {
    void app.register(formbody)
    app.post<{ Body: { userId: string; scope: string; userAgent?: string; ip?: string } }>('/v1/sessions', async (request, reply) => {
      const now = new Date().toISOString()
      const session: Session = { sessionId: randomUUID(), ...request.body, createdAt: now, lastUsedAt: now, revoked: false }
      sessions.set(session.sessionId, session)
      return reply.code(201).send(pair(session))
    })
    app.post<{ Body: { refreshToken: string } }>('/v1/refresh', async (request, reply) => {
      const stored = refreshTokens.get(request.body.refreshToken)
      const session = stored === undefined ? undefined : sessions.get(stored.sessionId)
      if (stored === undefined || session === undefined) return reply.code(401).send(error('INVALID_REFRESH_TOKEN', 'Invalid refresh token', { reason: 'unknown' }))
      if (session.revoked) return reply.code(401).send(error('INVALID_REFRESH_TOKEN', 'Session revoked', { reason: 'revoked', sessionId: session.sessionId }))
      if (stored.used) {
        session.revoked = true
        return reply.code(401).send(error('INVALID_REFRESH_TOKEN', 'Refresh token reused', { reason: 'reused', sessionId: session.sessionId }))
      }
      stored.used = true
      session.lastUsedAt = new Date().toISOString()
      return pair(session)
    })
    app.post<{ Body: { token: string } }>('/v1/revoke', async (request) => {
      const stored = refreshTokens.get(request.body.token)
      const session = stored === undefined ? undefined : sessions.get(stored.sessionId)
      if (session !== undefined) session.revoked = true
      return {}
    })
    const active = (userId: string) => [...sessions.values()].filter((session) => session.userId === userId && !session.revoked)
    app.get<{ Params: { userId: string } }>('/v1/users/:userId/sessions', async (request) => ({
      sessions: active(request.params.userId).map(({ sessionId, createdAt, lastUsedAt, userAgent, ip }) => ({ sessionId, createdAt, lastUsedAt, userAgent, ip })),
    }))
    app.delete<{ Params: { userId: string; sessionId: string } }>('/v1/users/:userId/sessions/:sessionId', async (request, reply) => {
      const session = active(request.params.userId).find((candidate) => candidate.sessionId === request.params.sessionId)
      if (session === undefined) return reply.code(404).send(error('NOT_FOUND', 'No such session'))
      session.revoked = true
      return reply.code(204).send()
    })
    app.post<{ Params: { userId: string }; Body: { exceptSessionId?: string } }>('/v1/users/:userId/sessions/revoke-all', async (request, reply) => {
      for (const session of active(request.params.userId)) if (session.sessionId !== request.body?.exceptSessionId) session.revoked = true
      return reply.code(204).send()
    })
    app.post<{ Body: { token: string } }>('/introspect', async (request) => {
      const access = accessTokens.get(request.body.token)
      const session = access === undefined ? undefined : sessions.get(access.sessionId)
      if (access === undefined || session === undefined || session.revoked) return { active: false }
      const iat = Math.floor(Date.now() / 1000)
      return { active: true, sub: session.userId, scope: session.scope, sid: session.sessionId, exp: iat + 900, iat, iss: 'https://issuer.test', aud: 'gatehouse', jti: access.jti, token_type: 'Bearer' }
    })
    app.get('/.well-known/jwks.json', async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300')
      return { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc', kid: 'k1', alg: 'EdDSA', use: 'sig', d: 'private-part' }] }
    })
  })
  return Object.assign(fake, { sessions })
}
