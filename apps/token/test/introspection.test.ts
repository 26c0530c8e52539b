import { createHmac, createPublicKey } from 'node:crypto'
import t from 'tap'
import { USER_ID, buildTestApp, decodeJwtPart, gatewayAuth, introspect, issue, resourceServerAuth, signWith, testKey } from './helper.ts'

t.test('an active access token introspects with its claims; no-store', async (t) => {
  const { app, config } = await buildTestApp(t, 'active')
  const pair = await issue(app)
  const response = await introspect(app, pair.accessToken)
  t.equal(response.statusCode, 200)
  t.equal(response.headers['cache-control'], 'no-store')
  const body = response.json()
  const claims = decodeJwtPart(pair.accessToken, 1)
  t.same(body, {
    active: true, sub: USER_ID, scope: 'openid profile', sid: pair.sessionId, exp: claims['exp'], iat: claims['iat'],
    iss: config.JWT_ISSUER, aud: config.JWT_AUDIENCE, jti: claims['jti'], auth_time: claims['auth_time'], email_verified: false, token_type: 'Bearer',
  })
  const viaGateway = await introspect(app, pair.accessToken, gatewayAuth)
  t.equal(viaGateway.json().active, true, 'service clients may introspect too')
  const hinted = await app.inject({
    method: 'POST', url: '/introspect', headers: { authorization: resourceServerAuth, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `token=${pair.accessToken}&token_type_hint=access_token`,
  })
  t.equal(hinted.json().active, true)
})

t.test('introspection requires client authentication', async (t) => {
  const { app } = await buildTestApp(t, 'introauth')
  const pair = await issue(app)
  const none = await introspect(app, pair.accessToken, null)
  t.equal(none.statusCode, 401)
  t.match(none.headers['www-authenticate'], /^Basic realm="gatehouse-internal"/)
  t.same(none.json(), { error: 'invalid_client', error_description: 'Client authentication required' }, 'an RFC 6749 §5.2 body')
  const wrong = await introspect(app, pair.accessToken, `Basic ${Buffer.from('orders-api:wrong-secret-0123456789').toString('base64')}`)
  t.equal(wrong.statusCode, 401)
  const bearer = await introspect(app, pair.accessToken, `Bearer ${pair.accessToken}`)
  t.equal(bearer.statusCode, 401)
  const missing = await app.inject({
    method: 'POST', url: '/introspect', headers: { authorization: resourceServerAuth, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'nothing=here',
  })
  t.equal(missing.statusCode, 400, 'no token parameter')
  t.equal(missing.json().error, 'invalid_request')
})

t.test('every bad token reads exactly {active: false}, never a 500', async (t) => {
  const { app, clock, keySet, config } = await buildTestApp(t, 'badtokens')
  const pair = await issue(app)
  const [h, p, s] = pair.accessToken.split('.') as [string, string, string]
  const header = decodeJwtPart(pair.accessToken, 0)
  const claims = decodeJwtPart(pair.accessToken, 1)
  const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const publicPem = createPublicKey({ key: { ...testKey() }, format: 'jwk' }).export({ type: 'spki', format: 'pem' })
  const hsInput = `${b64({ ...header, alg: 'HS256' })}.${p}`
  const hs256 = `${hsInput}.${createHmac('sha256', publicPem).update(hsInput).digest('base64url')}`
  const otherKey = { keys: [{ ...testKey('ES256'), status: 'active' as const }] }
  const cases: Record<string, string> = {
    'not a JWT': 'abc',
    'empty string': '',
    'two segments': `${h}.${p}`,
    'garbage base64': `${h}.%%%.${s}`,
    'tampered payload': `${h}.${b64({ ...claims, scope: 'admin' })}.${s}`,
    'tampered signature': `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
    'signature of the wrong length': `${h}.${p}.${s.slice(0, 20)}`,
    'empty signature': `${h}.${p}.`,
    'alg none': `${b64({ ...header, alg: 'none' })}.${p}.`,
    'HS256 signed with the public key': hs256,
    'unknown kid': `${b64({ ...header, kid: 'nope' })}.${p}.${s}`,
    'signed by a key we do not hold': signWith(otherKey, claims),
    'wrong issuer': signWith(keySet, { ...claims, iss: 'https://evil.example' }),
    'wrong audience': signWith(keySet, { ...claims, aud: 'someone-else' }),
    'wrong typ': signWith(keySet, claims, 'JWT'),
    'no sid': signWith(keySet, { ...claims, sid: undefined }),
    'session that does not exist': signWith(keySet, { ...claims, sid: '6fa459ea-ee8a-4ca4-894e-db77e160355e' }),
    'subject not the session\'s user': signWith(keySet, { ...claims, sub: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }),
    'a refresh token': pair.refreshToken,
    'unicode junk': '\u0000\u202e☃.☃.☃',
  }
  for (const [name, token] of Object.entries(cases)) {
    const response = await introspect(app, token)
    t.equal(response.statusCode, 200, name)
    t.equal(response.body, '{"active":false}', name)
  }
  const oversized = await introspect(app, 'a'.repeat(9000))
  t.equal(oversized.statusCode, 413, 'oversized token: a clear 4xx, not a 500')
  t.equal(oversized.json().error, 'invalid_request', 'an RFC 6749 body here too')
  t.equal(config.ACCESS_TOKEN_TTL_SECONDS, 900)
  clock.advance(906_000)
  t.equal((await introspect(app, pair.accessToken)).body, '{"active":false}', 'expired')
})

t.test('revocation on another instance shows within SESSION_CACHE_SECONDS', async (t) => {
  const a = await buildTestApp(t, 'twoinst')
  const b = await buildTestApp(t, 'twoinst', { share: a })
  const pair = await issue(a.app)
  t.equal((await introspect(a.app, pair.accessToken)).json().active, true, 'cached as active on A')
  const revoked = await b.app.inject({ method: 'POST', url: '/v1/revoke', headers: { authorization: gatewayAuth }, payload: { token: pair.refreshToken } })
  t.equal(revoked.statusCode, 200)
  t.same((await introspect(b.app, pair.accessToken)).json(), { active: false }, 'B knows at once')
  a.clock.advance(a.config.SESSION_CACHE_SECONDS * 1000)
  t.same((await introspect(a.app, pair.accessToken)).json(), { active: false }, 'A knows once its cache entry is SESSION_CACHE_SECONDS old')
})

t.test('concurrent introspections of one session share one read', async (t) => {
  const { app } = await buildTestApp(t, 'dedupe')
  const pair = await issue(app)
  const answers = await Promise.all(Array.from({ length: 50 }, () => introspect(app, pair.accessToken)))
  t.ok(answers.every((answer) => answer.json().active === true))
})
