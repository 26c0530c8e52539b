/**
 * POST /introspect as another team's service calls it: through openid-client (v6), the widely used
 * OpenID/OAuth client library, over real HTTP, with both client authentication methods it offers
 * (client_secret_post is its default; client_secret_basic the other), and its error handling.
 */
import t from 'tap'
import * as oidc from 'openid-client'
import { RESOURCE_SERVER, buildTestApp, issue } from './helper.ts'

const { app, config } = await buildTestApp(t, 'oidclib')
const base = await app.listen({ host: '127.0.0.1', port: 0 })
const pair = await issue(app)

function client(auth: oidc.ClientAuth, clientId = RESOURCE_SERVER.id): oidc.Configuration {
  const configuration = new oidc.Configuration({ issuer: config.JWT_ISSUER, introspection_endpoint: `${base}/introspect` }, clientId, undefined, auth)
  // The test talks plain HTTP on loopback; production resource servers use HTTPS.
  oidc.allowInsecureRequests(configuration)
  return configuration
}

for (const [name, auth] of [
  ['client_secret_post', oidc.ClientSecretPost(RESOURCE_SERVER.secret)],
  ['client_secret_basic', oidc.ClientSecretBasic(RESOURCE_SERVER.secret)],
] as const) {
  t.test(`${name}: an active token introspects with its claims, a junk one is inactive`, async (t) => {
    const active = await oidc.tokenIntrospection(client(auth), pair.accessToken)
    t.match(active, { active: true, sid: pair.sessionId, scope: 'openid profile', token_type: 'Bearer' })
    const inactive = await oidc.tokenIntrospection(client(auth), 'not-a-token')
    t.same(inactive, { active: false })
  })
}

t.test('a wrong secret is invalid_client with WWW-Authenticate, by either method', async (t) => {
  for (const auth of [oidc.ClientSecretPost('wrong-secret-0123456789'), oidc.ClientSecretBasic('wrong-secret-0123456789')]) {
    const error = await oidc.tokenIntrospection(client(auth), pair.accessToken).catch((caught: unknown) => caught)
    // The library reads the challenge first (RFC 7662 §2.3: 401 with WWW-Authenticate).
    t.ok(error instanceof oidc.WWWAuthenticateChallengeError, 'the library sees the challenge')
    const failure = error as oidc.WWWAuthenticateChallengeError
    t.equal(failure.status, 401)
    t.match(failure.cause, [{ scheme: 'basic', parameters: { realm: 'gatehouse-internal' } }])
    t.same(await failure.response.json(), { error: 'invalid_client', error_description: 'Invalid client credentials' })
  }
  const unknown = await oidc.tokenIntrospection(client(oidc.ClientSecretPost(RESOURCE_SERVER.secret), 'nobody'), pair.accessToken).catch((caught: unknown) => caught)
  t.equal((unknown as oidc.ResponseBodyError).status, 401, 'an unknown client id')
})

t.test('the wire: RFC 6749 §5.2 bodies, one method per request, house shape elsewhere', async (t) => {
  const form = async (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${base}/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) })
  const missingToken = await form({ client_id: RESOURCE_SERVER.id, client_secret: RESOURCE_SERVER.secret })
  t.equal(missingToken.status, 400)
  t.same(await missingToken.json(), { error: 'invalid_request', error_description: 'The token parameter is required' })
  const noSecret = await form({ token: pair.accessToken, client_id: RESOURCE_SERVER.id })
  t.equal(noSecret.status, 401)
  t.equal(((await noSecret.json()) as Record<string, unknown>).error, 'invalid_client')
  t.match(noSecret.headers.get('www-authenticate'), /^Basic /)
  const basic = `Basic ${Buffer.from(`${RESOURCE_SERVER.id}:${RESOURCE_SERVER.secret}`).toString('base64')}`
  const both = await form({ token: pair.accessToken, client_id: RESOURCE_SERVER.id, client_secret: RESOURCE_SERVER.secret }, { authorization: basic })
  t.equal(both.status, 400, 'RFC 6749 §2.3: never two methods at once')
  t.equal(((await both.json()) as Record<string, unknown>).error, 'invalid_request')
  const posted = await form({ token: pair.accessToken, client_id: RESOURCE_SERVER.id, client_secret: RESOURCE_SERVER.secret })
  t.equal(((await posted.json()) as Record<string, unknown>).active, true)
  const elsewhere = await fetch(`${base}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  t.equal(elsewhere.status, 401)
  t.equal(((await elsewhere.json()) as { error: { code: string } }).error.code, 'INVALID_CLIENT', '/v1/* keeps the house error shape')
  const postedElsewhere = await fetch(`${base}/v1/sessions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: RESOURCE_SERVER.id, client_secret: RESOURCE_SERVER.secret }),
  })
  t.equal(postedElsewhere.status, 401, 'client_secret_post is accepted on /introspect only')
})

t.test('one throttle counts failed client authentication by either method, per source address', async (t) => {
  const attempt = (fields: Record<string, string>, authorization?: string) => app.inject({
    method: 'POST', url: '/introspect', remoteAddress: '10.9.8.7',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization === undefined ? {} : { authorization }) },
    payload: new URLSearchParams({ token: pair.accessToken, ...fields }).toString(),
  })
  const wrongBasic = `Basic ${Buffer.from(`${RESOURCE_SERVER.id}:wrong-secret-0123456789`).toString('base64')}`
  for (let i = 0; i < 20; i += 1) {
    const failed = i % 2 === 0 ? await attempt({}, wrongBasic) : await attempt({ client_id: RESOURCE_SERVER.id, client_secret: 'wrong-secret-0123456789' })
    t.equal(failed.statusCode, 401)
  }
  const blocked = await attempt({ client_id: RESOURCE_SERVER.id, client_secret: RESOURCE_SERVER.secret })
  t.equal(blocked.statusCode, 429, 'the 21st attempt is refused, even with the right secret')
  t.equal(blocked.json().error, 'invalid_client')
  t.ok(Number(blocked.headers['retry-after']) > 0)
  const elsewhere = await oidc.tokenIntrospection(client(oidc.ClientSecretPost(RESOURCE_SERVER.secret)), pair.accessToken)
  t.equal(elsewhere.active, true, 'another address is not affected')
})
