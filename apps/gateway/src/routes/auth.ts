import type { FastifyRequest } from 'fastify'
import { AppError, type App } from '@gatehouse/platform'
import { ErrorCodes } from '@gatehouse/schemas'
import { RefreshRejected } from '../clients/token-client.ts'
import type { DeviceCookie } from '../plugins/device-cookie.ts'
import type { RefreshCookie } from '../plugins/refresh-cookie.ts'
import { createTokenTransports } from '../plugins/token-transport.ts'
import type { AuthLimits } from '../plugins/rate-limits.ts'
import type { AuthService, DeviceHints } from '../services/auth-service.ts'
import {
  AccessTokenResponseSchema,
  CredentialsSchema,
  RefreshBodySchema,
  RegisterRequestSchema,
  RegisterResponseSchema,
  SIGN_UP_ACCEPTED,
  SignUpAcceptedSchema,
  TokenTransportHeadersSchema,
} from '../schemas/auth.ts'
import { COMMON_ERRORS, errorResponses } from './error-responses.ts'

export interface AuthRouteDeps {
  auth: AuthService
  cookie: RefreshCookie
  deviceCookie: DeviceCookie
  limits: AuthLimits
  csrf: (request: FastifyRequest) => Promise<void>
}

const device = (request: FastifyRequest): DeviceHints => ({ userAgent: request.headers['user-agent'], ip: request.ip })

/** Sign-up, sign-in, refresh and sign-out: the endpoints a browser reaches without a bearer token. */
export function registerAuthRoutes(app: App, deps: AuthRouteDeps): void {
  const { auth, cookie, deviceCookie, limits, csrf } = deps

  const transportOf = createTokenTransports(cookie)

  app.post('/auth/register', {
    schema: {
      tags: ['auth'],
      summary: 'Create an account: 201 {userId}, or with SIGNUP_ENUMERATION_SAFE 202 and one body for every well-formed sign-up (a taken address\'s owner is mailed instead)',
      body: RegisterRequestSchema,
      response: { 201: RegisterResponseSchema, 202: SignUpAcceptedSchema, ...errorResponses(...COMMON_ERRORS, 403, 409, 413, 415) },
    },
    onRequest: [csrf],
    preParsing: [limits.registerPerIp],
    preHandler: [limits.registerPerEmail],
  }, async (request, reply) => {
    const created = await auth.register(request, request.body)
    // No userId in the 202: it exists only for a new address, so it would say which one this was.
    if (created === undefined) return reply.code(202).send({ message: SIGN_UP_ACCEPTED })
    return reply.code(201).send(created)
  })

  app.post('/auth/login', {
    schema: {
      tags: ['auth'],
      summary: 'Sign in: an access token in the body, the refresh token as an HttpOnly cookie (or in the body with x-token-transport: body); 403 MFA_REQUIRED (second step) or EMAIL_NOT_VERIFIED (REQUIRE_VERIFIED_EMAIL, after a right password)',
      headers: TokenTransportHeadersSchema,
      body: CredentialsSchema,
      response: { 200: AccessTokenResponseSchema, ...errorResponses(...COMMON_ERRORS, 401, 403, 413, 415) },
    },
    onRequest: [csrf],
    preParsing: [limits.loginPerIp],
    preHandler: [limits.loginPerEmail],
  }, async (request, reply) => {
    const transport = transportOf(request)
    const { deviceId, minted } = deviceCookie.ensure(request, reply)
    return transport.issue(reply, await auth.login(request, { ...request.body, deviceId, ...(minted ? { newDevice: true as const } : {}) }, device(request)))
  })

  app.post('/auth/refresh', {
    schema: {
      tags: ['auth'],
      summary: 'Rotate the refresh token (cookie, or body with x-token-transport: body) and get a new access token',
      security: [{ refreshCookie: [] }],
      headers: TokenTransportHeadersSchema,
      body: RefreshBodySchema,
      response: { 200: AccessTokenResponseSchema, ...errorResponses(...COMMON_ERRORS, 401, 403, 413, 415) },
    },
    onRequest: [csrf],
  }, async (request, reply) => {
    const transport = transportOf(request)
    const refreshToken = transport.read(request)
    try {
      if (refreshToken === undefined) throw new AppError(401, ErrorCodes.INVALID_REFRESH_TOKEN, `No refresh token ${transport.kind === 'body' ? 'in the body' : 'cookie'}; sign in again`, { details: { reason: 'missing' } })
      return transport.issue(reply, await auth.refresh(request, refreshToken, device(request)))
    } catch (error) {
      // A dead token is cleared so the client stops presenting it; a 503 keeps it for a retry.
      if (error instanceof RefreshRejected || (error instanceof AppError && error.statusCode === 401)) transport.clear(reply)
      throw error
    }
  })

  app.post('/auth/logout', {
    schema: {
      tags: ['auth'],
      summary: 'Sign out this session; idempotent',
      security: [{ refreshCookie: [] }],
      headers: TokenTransportHeadersSchema,
      body: RefreshBodySchema,
      response: { 204: { type: 'null', description: 'Signed out; the cookie is cleared' }, ...errorResponses(...COMMON_ERRORS, 403, 413, 415) },
    },
    onRequest: [csrf],
  }, async (request, reply) => {
    const transport = transportOf(request)
    await auth.logout(request, transport.read(request))
    transport.clear(reply)
    return reply.code(204).send()
  })
}
