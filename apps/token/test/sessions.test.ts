import t from 'tap'
import { GATEWAY, USER_ID, buildTestApp, decodeJwtPart, gatewayAuth, issue, refresh, resourceServerAuth } from './helper.ts'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'

t.test('issuing a pair opens a session and returns an RFC 9068 access token', async (t) => {
  const { app, config } = await buildTestApp(t, 'issue')
  const response = await app.inject({
    method: 'POST',
    url: '/v1/sessions',
    headers: { authorization: gatewayAuth },
    payload: { userId: USER_ID, scope: 'openid', userAgent: 'Firefox', ip: '203.0.113.9' },
  })
  t.equal(response.statusCode, 201)
  t.equal(response.headers['cache-control'], 'no-store')
  const pair = response.json()
  t.same(Object.keys(pair).sort(), ['accessToken', 'expiresIn', 'refreshExpiresIn', 'refreshToken', 'sessionId', 'tokenType'])
  t.equal(pair.tokenType, 'Bearer')
  t.equal(pair.expiresIn, 900)
  t.equal(pair.refreshExpiresIn, 2_592_000)
  t.match(pair.refreshToken, /^[A-Za-z0-9_-]{43}$/)
  const header = decodeJwtPart(pair.accessToken, 0)
  t.same({ typ: header['typ'], alg: header['alg'] }, { typ: 'at+jwt', alg: 'RS256' })
  t.type(header['kid'], 'string')
  const claims = decodeJwtPart(pair.accessToken, 1)
  t.same(Object.keys(claims).sort(), ['aud', 'auth_time', 'email_verified', 'exp', 'iat', 'iss', 'jti', 'scope', 'sid', 'sub'])
  t.match(claims, { iss: config.JWT_ISSUER, aud: config.JWT_AUDIENCE, sub: USER_ID, scope: 'openid', sid: pair.sessionId })
  t.equal((claims['exp'] as number) - (claims['iat'] as number), 900)
})

t.test('refresh rotates: a new pair for the same session, and the old token is consumed', async (t) => {
  const { app } = await buildTestApp(t, 'rotate')
  const first = await issue(app)
  const response = await refresh(app, first.refreshToken, { userAgent: 'Safari' })
  t.equal(response.statusCode, 200)
  const second = response.json()
  t.equal(second.sessionId, first.sessionId)
  t.not(second.refreshToken, first.refreshToken)
  t.not(second.accessToken, first.accessToken)
  t.equal((await refresh(app, second.refreshToken)).statusCode, 200, 'the successor works')
  const unknown = await refresh(app, 'x'.repeat(43))
  t.equal(unknown.statusCode, 401)
  t.match(unknown.json(), { error: { code: 'INVALID_REFRESH_TOKEN', details: { reason: 'unknown' } } })
})

t.test('a database read alone yields no usable token: only hashes and sealed successors are stored', async (t) => {
  const { app, dynamo } = await buildTestApp(t, 'sealed')
  const first = await issue(app)
  const second = (await refresh(app, first.refreshToken)).json()
  const items = JSON.stringify([
    ...((await dynamo.doc.send(new ScanCommand({ TableName: dynamo.tables.RefreshTokens }))).Items ?? []),
    ...((await dynamo.doc.send(new ScanCommand({ TableName: dynamo.tables.Sessions }))).Items ?? []),
  ])
  t.notOk(items.includes(first.refreshToken), 'no plaintext first token')
  t.notOk(items.includes(second.refreshToken), 'no plaintext successor')
  t.notOk(items.includes(second.accessToken), 'no access token')
  t.match(items, /"successorSealed":"v1\./, 'the successor is stored sealed')
})

t.test('bad input answers 400 in the shared shape and writes nothing', async (t) => {
  const { app, dynamo } = await buildTestApp(t, 'badinput')
  const cases: Array<[string, unknown]> = [
    ['missing scope', { userId: USER_ID }],
    ['userId not a uuid', { userId: 'bob', scope: 'openid' }],
    ['unknown field', { userId: USER_ID, scope: 'openid', admin: true }],
    ['bad scope characters', { userId: USER_ID, scope: 'a"b' }],
    ['bad ip', { userId: USER_ID, scope: 'openid', ip: 'not an ip' }],
    ['not an object', [1, 2]],
  ]
  for (const [name, payload] of cases) {
    const response = await app.inject({ method: 'POST', url: '/v1/sessions', headers: { authorization: gatewayAuth }, payload: payload as object })
    t.equal(response.statusCode, 400, name)
    t.equal(response.json().error.code, 'VALIDATION_FAILED', name)
  }
  const malformed = await app.inject({
    method: 'POST', url: '/v1/sessions', headers: { authorization: gatewayAuth, 'content-type': 'application/json' }, payload: '{"userId":',
  })
  t.equal(malformed.statusCode, 400)
  t.equal(malformed.json().error.code, 'MALFORMED_JSON')
  const formOnV1 = await app.inject({
    method: 'POST', url: '/v1/refresh', headers: { authorization: gatewayAuth, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'refreshToken=abc',
  })
  t.equal(formOnV1.statusCode, 415, '/v1 takes JSON only')
  const emptyRefresh = await refresh(app, '')
  t.equal(emptyRefresh.statusCode, 400)
  const scan = await dynamo.doc.send(new ScanCommand({ TableName: dynamo.tables.Sessions }))
  t.equal(scan.Count, 0)
})

t.test('internal endpoints need service credentials; introspection clients are refused there', async (t) => {
  const { app } = await buildTestApp(t, 'auth')
  const none = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { userId: USER_ID, scope: 'openid' } })
  t.equal(none.statusCode, 401)
  t.match(none.headers['www-authenticate'], /^Basic realm=/)
  t.equal(none.json().error.code, 'INVALID_CLIENT')
  const wrong = await app.inject({
    method: 'POST', url: '/v1/sessions', payload: { userId: USER_ID, scope: 'openid' },
    headers: { authorization: `Basic ${Buffer.from(`${GATEWAY.id}:not-the-secret-at-all`).toString('base64')}` },
  })
  t.equal(wrong.statusCode, 401)
  for (const [method, url] of [['POST', '/v1/sessions'], ['POST', '/v1/refresh'], ['POST', '/v1/revoke'], ['GET', `/v1/users/${USER_ID}/sessions`]] as const) {
    const response = await app.inject({ method, url, headers: { authorization: resourceServerAuth }, ...(method === 'POST' ? { payload: {} } : {}) })
    t.equal(response.statusCode, 403, `${method} ${url}`)
    t.equal(response.json().error.code, 'FORBIDDEN')
  }
})
