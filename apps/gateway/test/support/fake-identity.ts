import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { basicAuthorization } from '@gatehouse/platform'
import { normalizeEmail } from '@gatehouse/schemas'

/**
 * A stand-in identity service: a real HTTP peer on a real port answering as the internal
 * contract says, with users in memory. Gateway tests use it for failure modes and error mapping;
 * the integration test runs the real service.
 */
export interface RecordedRequest {
  method: string
  url: string
  headers: FastifyRequest['headers']
  body: unknown
}

export interface FakeService {
  app: FastifyInstance
  url: string
  requests: RecordedRequest[]
  /** Adds this many ms before every answer. */
  delayMs: number
  /** Forces the next answers to this status and body. */
  override?: { status: number; body: unknown; headers?: Record<string, string> } | undefined
}

export const CLIENT_ID = 'gateway'
export const CLIENT_SECRET = 'test-gateway-secret-0123456789'
const AUTH = basicAuthorization(CLIENT_ID, CLIENT_SECRET)

const error = (code: string, message: string, details?: Record<string, unknown>) => ({ error: { code, message, requestId: 'downstream', ...(details ? { details } : {}) } })

export async function startFake(build: (app: FastifyInstance, fake: FakeService) => void): Promise<FakeService> {
  const app = Fastify({ forceCloseConnections: true })
  const fake: FakeService = { app, url: '', requests: [], delayMs: 0 }
  app.addHook('preHandler', async (request, reply) => {
    fake.requests.push({ method: request.method, url: request.url, headers: request.headers, body: request.body })
    if (fake.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.delayMs))
    if (fake.override !== undefined) return reply.code(fake.override.status).headers(fake.override.headers ?? {}).send(fake.override.body)
    if (request.url.startsWith('/health/') || request.url.startsWith('/.well-known/')) return
    if (request.headers.authorization !== AUTH) return reply.code(401).send(error('INVALID_CLIENT', 'Invalid client credentials'))
  })
  app.get('/health/live', async () => ({ status: 'ok' }))
  build(app, fake)
  fake.url = await app.listen({ host: '127.0.0.1', port: 0 })
  return fake
}

interface StoredUser { userId: string; email: string; password: string; createdAt: string }

export async function startFakeIdentity(): Promise<FakeService & { lockedEmails: Set<string> }> {
  const users = new Map<string, StoredUser>()
  const lockedEmails = new Set<string>()
  const policy = (password: string) => {
    if (Buffer.byteLength(password) > 72) return error('PASSWORD_TOO_LONG', 'Password must be at most 72 bytes in UTF-8')
    if (password.length < 8 || password === 'password123') return error('WEAK_PASSWORD', 'Password is too weak')
    return undefined
  }
  const fake = await startFake((app) => {
    app.post<{ Body: { email: string; password: string } }>('/v1/users', async (request, reply) => {
      const email = normalizeEmail(request.body.email)
      const problem = policy(request.body.password)
      if (problem) return reply.code(400).send({ error: { ...problem.error, details: { internal: 'identity-only detail' } } })
      if (users.has(email)) return reply.code(409).send(error('EMAIL_TAKEN', 'Email already registered'))
      const user = { userId: randomUUID(), email, password: request.body.password, createdAt: new Date().toISOString() }
      users.set(email, user)
      return reply.code(201).send({ userId: user.userId, email, createdAt: user.createdAt, emailVerified: false })
    })
    // Forgot-password records an intent and answers 202, whatever the address.
    app.post('/v1/password/forgot', async (_request, reply) => reply.code(202).send(null))
    app.post<{ Body: { email: string; password: string } }>('/v1/credentials/verify', async (request, reply) => {
      const email = normalizeEmail(request.body.email)
      if (lockedEmails.has(email)) {
        return reply.code(429).header('retry-after', '30').send(error('TOO_MANY_ATTEMPTS', 'Locked for user x@y', { retryAfterSeconds: 30, failures: 10 }))
      }
      const user = users.get(email)
      if (user === undefined || user.password !== request.body.password) return reply.code(401).send(error('INVALID_CREDENTIALS', 'Invalid email or password'))
      return { userId: user.userId, scope: 'openid profile', emailVerified: false }
    })
    app.get<{ Params: { userId: string } }>('/v1/users/:userId', async (request, reply) => {
      const user = [...users.values()].find((candidate) => candidate.userId === request.params.userId)
      if (user === undefined) return reply.code(404).send(error('NOT_FOUND', 'No such user'))
      return { userId: user.userId, email: user.email, createdAt: user.createdAt, emailVerified: false, passwordHash: '$2b$12$secret' }
    })
    app.post<{ Params: { userId: string }; Body: { currentPassword: string; newPassword: string } }>('/v1/users/:userId/password', async (request, reply) => {
      const user = [...users.values()].find((candidate) => candidate.userId === request.params.userId)
      if (user === undefined || user.password !== request.body.currentPassword) return reply.code(401).send(error('INVALID_CREDENTIALS', 'Invalid credentials'))
      const problem = policy(request.body.newPassword)
      if (problem) return reply.code(400).send(problem)
      user.password = request.body.newPassword
      return reply.code(204).send()
    })
  })
  return Object.assign(fake, { lockedEmails })
}
