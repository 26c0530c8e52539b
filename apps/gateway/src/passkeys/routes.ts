import type { FastifyRequest } from 'fastify'
import type { App } from '@gatehouse/platform'
import { CeremonyOptionsSchema, PasskeyListSchema, PasskeySchema } from '@gatehouse/schemas'
import type { TokenClient } from '../clients/token-client.ts'
import { principalOf } from '../plugins/bearer-auth.ts'
import type { DeviceCookie } from '../plugins/device-cookie.ts'
import type { AuthLimits } from '../plugins/rate-limits.ts'
import type { RefreshCookie } from '../plugins/refresh-cookie.ts'
import { hints } from '../services/auth-service.ts'
import { AccessTokenResponseSchema, BearerHeadersSchema, EmptyBodySchema } from '../schemas/auth.ts'
import { COMMON_ERRORS, errorResponses } from '../routes/error-responses.ts'
import type { PasskeysClient } from './passkeys-client.ts'
import { PasskeyParamsSchema, PasskeySignInBodySchema, RegisterPasskeyBodySchema, RenamePasskeyBodySchema } from './schemas.ts'

export interface PasskeyRouteDeps {
  passkeys: PasskeysClient
  token: TokenClient
  cookie: RefreshCookie
  deviceCookie: DeviceCookie
  limits: AuthLimits
  csrf: (request: FastifyRequest) => Promise<void>
  bearer: (request: FastifyRequest) => Promise<void>
}

const NO_CONTENT = { type: 'null', description: 'Done' } as const

/**
 * WebAuthn passkeys: register and manage them while signed in; sign in with one, no password
 * (discoverable credentials). The ceremonies themselves are checked by identity.
 */
export function registerPasskeyRoutes(app: App, deps: PasskeyRouteDeps): void {
  const { passkeys, token, cookie, limits, csrf, bearer } = deps
  const signedIn = { tags: ['passkeys'], security: [{ bearerAuth: [] }], headers: BearerHeadersSchema }

  app.post('/auth/passkeys/register/options', {
    onRequest: [bearer],
    schema: { ...signedIn, summary: 'Start adding a passkey: WebAuthn creation options', body: EmptyBodySchema, response: { 200: CeremonyOptionsSchema, ...errorResponses(...COMMON_ERRORS, 401, 409, 415) } },
  }, async (request) => passkeys.registrationOptions(request, principalOf(request).userId))

  app.post('/auth/passkeys/register/verify', {
    onRequest: [bearer],
    schema: { ...signedIn, summary: 'Finish adding a passkey: the browser\'s attestation and a name', body: RegisterPasskeyBodySchema, response: { 201: PasskeySchema, ...errorResponses(...COMMON_ERRORS, 401, 409, 413, 415) } },
  }, async (request, reply) => {
    const passkey = await passkeys.register(request, principalOf(request).userId, request.body)
    return reply.code(201).send(passkey)
  })

  app.get('/auth/passkeys', {
    onRequest: [bearer],
    schema: { ...signedIn, summary: "The user's passkeys", response: { 200: PasskeyListSchema, ...errorResponses(...COMMON_ERRORS, 401) } },
  }, async (request) => ({ passkeys: await passkeys.list(request, principalOf(request).userId) }))

  app.patch('/auth/passkeys/:id', {
    onRequest: [bearer],
    schema: { ...signedIn, summary: 'Rename a passkey', params: PasskeyParamsSchema, body: RenamePasskeyBodySchema, response: { 200: PasskeySchema, ...errorResponses(...COMMON_ERRORS, 401, 404, 415) } },
  }, async (request) => passkeys.rename(request, principalOf(request).userId, request.params.id, request.body.name))

  app.delete('/auth/passkeys/:id', {
    onRequest: [bearer],
    schema: { ...signedIn, summary: 'Remove a passkey', params: PasskeyParamsSchema, response: { 204: NO_CONTENT, ...errorResponses(...COMMON_ERRORS, 401, 404) } },
  }, async (request, reply) => {
    await passkeys.remove(request, principalOf(request).userId, request.params.id)
    return reply.code(204).send()
  })

  app.post('/auth/passkeys/sign-in/options', {
    onRequest: [csrf],
    preParsing: [limits.loginPerIp],
    schema: { tags: ['passkeys'], summary: 'Start a passwordless sign-in: WebAuthn request options', body: EmptyBodySchema, response: { 200: CeremonyOptionsSchema, ...errorResponses(...COMMON_ERRORS, 403, 415) } },
  }, async (request) => passkeys.authenticationOptions(request))

  app.post('/auth/passkeys/sign-in/verify', {
    onRequest: [csrf],
    preParsing: [limits.loginPerIp],
    schema: {
      tags: ['passkeys'],
      summary: 'Finish a passwordless sign-in: a token pair and the refresh cookie, as login',
      body: PasskeySignInBodySchema,
      response: { 200: AccessTokenResponseSchema, ...errorResponses(...COMMON_ERRORS, 401, 403, 413, 415) },
    },
  }, async (request, reply) => {
    const device = deps.deviceCookie.ensure(request, reply)
    // Taken before the assertion is checked, as login does: a revoke-all landing meanwhile ends this session too.
    const authTime = new Date().toISOString()
    const proof = await passkeys.verify(request, { response: request.body.response, deviceId: device.deviceId, ...(device.minted ? { newDevice: true as const } : {}) })
    const pair = await token.issue(request, { userId: proof.userId, scope: proof.scope, amr: proof.amr, authTime, emailVerified: proof.emailVerified, ...hints({ userAgent: request.headers['user-agent'], ip: request.ip }) })
    cookie.set(reply, pair.refreshToken, pair.refreshExpiresIn)
    return { accessToken: pair.accessToken, tokenType: 'Bearer' as const, expiresIn: pair.expiresIn }
  })
}
