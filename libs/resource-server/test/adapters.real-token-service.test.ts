/**
 * The Fastify plugin, the Express middleware (real express over real HTTP) and the API Gateway
 * authorizer, each in front of a route, with tokens from the real token service.
 */
import t from 'tap'
import type { AddressInfo } from 'node:net'
import express from 'express'
import Fastify from 'fastify'
import { createVerifier } from '../src/index.ts'
import { gatehouseExpress } from '../src/express.ts'
import { gatehouseAuth } from '../src/fastify.ts'
import { authorizerOptionsFromEnv, createAuthorizer, type HttpApiSimpleResponse, type RestPolicyResponse } from '../src/lambda/authorizer.ts'
import { USER_ID, startTokenService } from './support.ts'

const service = await startTokenService(t, 'adapters')
const options = { jwksUrl: service.jwksUrl, issuer: service.issuer, audience: 'gatehouse' }
const reader = await service.issue('openid orders:read')
const plain = await service.issue('openid')

t.test('Fastify plugin: 200 with request.token, 401/403 with RFC 6750 challenges', async (t) => {
  const app = Fastify()
  await app.register(gatehouseAuth, { ...options, realm: 'orders' })
  app.get('/orders', { preHandler: app.requireToken({ scopes: ['orders:read'] }) }, async (request) => ({ sub: request.token?.sub, sid: request.token?.sid }))
  t.teardown(() => app.close())
  const get = (authorization?: string) => app.inject({ method: 'GET', url: '/orders', headers: authorization === undefined ? {} : { authorization } })

  const ok = await get(`Bearer ${reader.accessToken}`)
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { sub: USER_ID, sid: reader.sessionId })
  const none = await get()
  t.equal(none.statusCode, 401)
  t.equal(none.headers['www-authenticate'], 'Bearer realm="orders"', 'no error code when no token was sent (RFC 6750 §3.1)')
  const bad = await get('Bearer not.a.token')
  t.equal(bad.statusCode, 401)
  t.match(bad.headers['www-authenticate'], /^Bearer realm="orders", error="invalid_token"/)
  const basic = await get('Basic Zm9vOmJhcg==')
  t.equal(basic.statusCode, 401, 'another scheme is not a token')
  const scope = await get(`Bearer ${plain.accessToken}`)
  t.equal(scope.statusCode, 403)
  t.match(scope.headers['www-authenticate'], /error="insufficient_scope".*scope="orders:read"/)
  t.equal(scope.json().error, 'insufficient_scope')
})

t.test('Express middleware: the same answers from real express', async (t) => {
  const app = express()
  const auth = gatehouseExpress({ verifier: createVerifier(options) })
  app.get('/orders', auth.requireToken({ scopes: ['orders:read'] }), (request, response) => {
    response.json({ sub: request.token?.sub, scopes: request.token?.scopes })
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const get = (authorization?: string) => fetch(`${base}/orders`, { headers: authorization === undefined ? {} : { authorization } })

  const ok = await get(`Bearer ${reader.accessToken}`)
  t.equal(ok.status, 200)
  t.same(await ok.json(), { sub: USER_ID, scopes: ['openid', 'orders:read'] })
  const none = await get()
  t.equal(none.status, 401)
  t.equal(none.headers.get('www-authenticate'), 'Bearer realm="api"')
  const bad = await get(`Bearer ${reader.accessToken.slice(0, -3)}abc`)
  t.equal(bad.status, 401)
  t.match(bad.headers.get('www-authenticate'), /error="invalid_token"/)
  const scope = await get(`Bearer ${plain.accessToken}`)
  t.equal(scope.status, 403)
  t.match(scope.headers.get('www-authenticate'), /error="insufficient_scope"/)
})

t.test('Lambda authorizer: HTTP API simple responses and REST policies, from its environment', async (t) => {
  const handler = createAuthorizer(authorizerOptionsFromEnv({
    JWKS_URL: service.jwksUrl,
    JWT_ISSUER: service.issuer,
    JWT_AUDIENCE: 'gatehouse',
    REQUIRED_SCOPE: 'orders:read',
    INTROSPECTION_URL: service.introspectionUrl,
    INTROSPECTION_CLIENT_ID: service.stack.secrets.introspection.id,
    INTROSPECTION_CLIENT_SECRET: service.stack.secrets.introspection.secret,
  }))
  const routeArn = 'arn:aws:execute-api:eu-west-1:123456789012:abcdef123/prod/GET/orders'
  const httpApi = (authorization?: string) => handler({
    version: '2.0', type: 'REQUEST', routeArn, identitySource: authorization === undefined ? null : [authorization], headers: authorization === undefined ? {} : { authorization },
  }) as Promise<HttpApiSimpleResponse>
  t.same(await httpApi(`Bearer ${reader.accessToken}`), { isAuthorized: true, context: { sub: USER_ID, scope: 'openid orders:read', sid: reader.sessionId } })
  t.same(await httpApi(), { isAuthorized: false })
  t.same(await httpApi('Bearer junk'), { isAuthorized: false })
  t.same(await httpApi(`Bearer ${plain.accessToken}`), { isAuthorized: false })

  const methodArn = routeArn
  const token = (authorizationToken: string) => handler({ type: 'TOKEN', methodArn, authorizationToken }) as Promise<RestPolicyResponse>
  const allowed = await token(`Bearer ${reader.accessToken}`)
  t.same(allowed, {
    principalId: USER_ID,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abcdef123/prod/*' }] },
    context: { sub: USER_ID, scope: 'openid orders:read', sid: reader.sessionId },
  })
  await t.rejects(token('Bearer junk'), new Error('Unauthorized'), 'REST: the Unauthorized error is API Gateway\'s 401')
  await t.rejects(token(''), new Error('Unauthorized'))
  const denied = await token(`Bearer ${plain.accessToken}`)
  t.equal(denied.policyDocument.Statement[0]?.Effect, 'Deny', 'insufficient scope is a Deny policy (403)')

  const request = (headers: Record<string, string>) => handler({ type: 'REQUEST', methodArn, headers }) as Promise<RestPolicyResponse>
  t.equal((await request({ Authorization: `Bearer ${reader.accessToken}` })).principalId, USER_ID, 'REQUEST type reads the header, any case')
  await t.rejects(request({}), new Error('Unauthorized'))

  await service.revoke(reader.refreshToken)
  await new Promise((resolve) => setTimeout(resolve, 2_100))
  t.same(await httpApi(`Bearer ${reader.accessToken}`), { isAuthorized: false }, 'with INTROSPECTION_URL a logout is seen within 2 s')

  t.throws(() => authorizerOptionsFromEnv({ JWKS_URL: 'x', INTROSPECTION_URL: 'y' }), /JWT_ISSUER, JWT_AUDIENCE, INTROSPECTION_CLIENT_ID, INTROSPECTION_CLIENT_SECRET/)
})

t.test('unreachable keys fail closed: 503 without a challenge, never a pass', async (t) => {
  const closed = { jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json', issuer: service.issuer, audience: 'gatehouse', jwksTimeoutSeconds: 2 }
  const app = Fastify({ logger: false })
  await app.register(gatehouseAuth, closed)
  app.get('/orders', { preHandler: app.requireToken() }, async () => ({ ok: true }))
  t.teardown(() => app.close())
  const response = await app.inject({ method: 'GET', url: '/orders', headers: { authorization: `Bearer ${plain.accessToken}` } })
  t.equal(response.statusCode, 503)
  t.equal(response.headers['www-authenticate'], undefined)
  t.equal(response.json().error, 'temporarily_unavailable')
  const handler = createAuthorizer(closed)
  await t.rejects(handler({ version: '2.0', type: 'REQUEST', routeArn: 'arn', headers: { authorization: `Bearer ${plain.accessToken}` } }), 'the authorizer throws: API Gateway answers 500, not Allow')
})
