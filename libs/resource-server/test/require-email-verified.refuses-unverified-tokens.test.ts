/**
 * `requireEmailVerified` (for the whole verifier) and `{ emailVerified: true }` (for one route)
 * refuse a real token whose `email_verified` is false with insufficient_scope (403), and let a
 * verified one through; `verify()` exposes the claim either way.
 */
import t from 'tap'
import Fastify from 'fastify'
import { createVerifier, TokenError } from '../src/index.ts'
import { gatehouseAuth } from '../src/fastify.ts'
import { authorizerOptionsFromEnv, createAuthorizer, type HttpApiSimpleResponse } from '../src/lambda/authorizer.ts'
import { startTokenService } from './support.ts'

const service = await startTokenService(t, 'email-verified')
const options = { jwksUrl: service.jwksUrl, issuer: service.issuer, audience: 'gatehouse' }
const unverified = await service.issue('openid profile', { emailVerified: false })
const verified = await service.issue('openid profile', { emailVerified: true })

async function refusal(verify: Promise<unknown>): Promise<string> {
  try {
    await verify
    return 'accepted'
  } catch (error) {
    return error instanceof TokenError ? `${error.code} ${error.status}` : `unexpected ${String(error)}`
  }
}

t.test('verify() exposes email_verified', async (t) => {
  const verifier = createVerifier(options)
  t.equal((await verifier.verify(unverified.accessToken)).emailVerified, false)
  t.equal((await verifier.verify(verified.accessToken)).emailVerified, true)
})

t.test('requireEmailVerified refuses an unverified token, per verifier and per call', async (t) => {
  const strict = createVerifier({ ...options, requireEmailVerified: true })
  t.equal(await refusal(strict.verify(unverified.accessToken)), 'insufficient_scope 403')
  t.equal(await refusal(strict.verify(verified.accessToken)), 'accepted')
  const lenient = createVerifier(options)
  t.equal(await refusal(lenient.verify(unverified.accessToken)), 'accepted', 'off unless asked')
  t.equal(await refusal(lenient.verify(unverified.accessToken, { emailVerified: true })), 'insufficient_scope 403', 'one call can ask')
})

t.test('the Fastify plugin refuses it on a route that asks: 403 insufficient_scope', async (t) => {
  const app = Fastify()
  await app.register(gatehouseAuth, options)
  app.get('/payouts', { preHandler: app.requireToken({ emailVerified: true }) }, async (request) => ({ sub: request.token?.sub }))
  t.teardown(() => app.close())
  const get = (token: string) => app.inject({ method: 'GET', url: '/payouts', headers: { authorization: `Bearer ${token}` } })
  const refused = await get(unverified.accessToken)
  t.equal(refused.statusCode, 403)
  t.match(refused.headers['www-authenticate'], /error="insufficient_scope"/)
  t.equal((await get(verified.accessToken)).statusCode, 200)
})

t.test('the Lambda authorizer: REQUIRE_EMAIL_VERIFIED=true denies an unverified token; a typo stops it', async (t) => {
  const env = { JWKS_URL: service.jwksUrl, JWT_ISSUER: service.issuer, JWT_AUDIENCE: 'gatehouse' }
  const handler = createAuthorizer(authorizerOptionsFromEnv({ ...env, REQUIRE_EMAIL_VERIFIED: 'true' }))
  const routeArn = 'arn:aws:execute-api:eu-west-1:123456789012:abcdef123/prod/GET/payouts'
  const httpApi = (token: string) => handler({
    version: '2.0', type: 'REQUEST', routeArn, identitySource: [`Bearer ${token}`], headers: { authorization: `Bearer ${token}` },
  }) as Promise<HttpApiSimpleResponse>
  t.equal((await httpApi(unverified.accessToken)).isAuthorized, false)
  t.equal((await httpApi(verified.accessToken)).isAuthorized, true)
  t.throws(() => authorizerOptionsFromEnv({ ...env, REQUIRE_EMAIL_VERIFIED: 'yes' }), /REQUIRE_EMAIL_VERIFIED must be true or false/)
})
