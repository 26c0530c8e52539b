import t from 'tap'
import { AUTH, PASSWORD, buildTestApp, createUser, scanAll } from './helper.ts'

const USER_ID = '00000000-0000-4000-8000-000000000000'

t.test('bad input of every kind gets a clear 4xx in the shared shape and writes nothing', async (t) => {
  const { app, dynamo } = await buildTestApp(t, 'bad-input')
  const json = { ...AUTH, 'content-type': 'application/json' }
  const cases: Array<{ name: string; url: string; status: number; code: string; payload?: unknown; body?: string; headers?: Record<string, string> }> = [
    { name: 'missing password', url: '/v1/users', payload: { email: 'a@example.com' }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'missing email', url: '/v1/users', payload: { password: PASSWORD }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'extra field', url: '/v1/users', payload: { email: 'a@example.com', password: PASSWORD, admin: true }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'number email', url: '/v1/users', payload: { email: 42, password: PASSWORD }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'array password', url: '/v1/users', payload: { email: 'a@example.com', password: [PASSWORD] }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'invalid email', url: '/v1/users', payload: { email: 'not-an-email', password: PASSWORD }, status: 400, code: 'VALIDATION_FAILED' },
    // Regression: NFKC turned these into a second @ or a key past DynamoDB's size limit (a 500).
    { name: 'fullwidth @ that normalises into a second @', url: '/v1/users', payload: { email: 'a\uFF20b@example.com', password: PASSWORD }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'email that NFKC grows past 254 characters', url: '/v1/users', payload: { email: `${'\uFDFA'.repeat(200)}@example.com`, password: PASSWORD }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'login: email that NFKC grows past 254 characters', url: '/v1/credentials/verify', payload: { email: `${'\uFDFA'.repeat(200)}@example.com`, password: PASSWORD }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'email with spaces inside', url: '/v1/users', payload: { email: 'a b@example.com', password: PASSWORD }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'empty password', url: '/v1/users', payload: { email: 'a@example.com', password: '' }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'body is an array', url: '/v1/users', payload: [], status: 400, code: 'VALIDATION_FAILED' },
    { name: 'malformed JSON', url: '/v1/users', body: '{"email": "a@example.com",', status: 400, code: 'MALFORMED_JSON' },
    { name: 'empty JSON body', url: '/v1/users', body: '', status: 400, code: 'MALFORMED_JSON' },
    { name: 'body too large', url: '/v1/users', payload: { email: 'a@example.com', password: 'x'.repeat(4096) }, status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'form body', url: '/v1/users', body: 'email=a@example.com', headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'text body', url: '/v1/users', body: 'hello', headers: { ...AUTH, 'content-type': 'text/plain' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'login: extra field', url: '/v1/credentials/verify', payload: { email: 'a@example.com', password: PASSWORD, remember: true }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'login: missing password', url: '/v1/credentials/verify', payload: { email: 'a@example.com' }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'login: malformed JSON', url: '/v1/credentials/verify', body: '{oops', status: 400, code: 'MALFORMED_JSON' },
    { name: 'login: too large', url: '/v1/credentials/verify', payload: { email: 'a@example.com', password: 'x'.repeat(4096) }, status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'change: bad user id', url: '/v1/users/not-a-uuid/password', payload: { currentPassword: PASSWORD, newPassword: PASSWORD }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'change: missing field', url: `/v1/users/${USER_ID}/password`, payload: { currentPassword: PASSWORD }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'change: wrong type', url: `/v1/users/${USER_ID}/password`, payload: { currentPassword: PASSWORD, newPassword: 12345678 }, status: 400, code: 'VALIDATION_FAILED' },
  ]
  for (const c of cases) {
    const res = await app.inject({
      method: 'POST',
      url: c.url,
      headers: c.headers ?? json,
      ...(c.body === undefined ? { payload: JSON.stringify(c.payload) } : { payload: c.body }),
    })
    t.equal(res.statusCode, c.status, `${c.name}: status`)
    const body = res.json()
    t.equal(body.error?.code, c.code, `${c.name}: code`)
    t.type(body.error?.message, 'string')
    t.ok(body.error.message.length > 0)
    t.equal(body.error.requestId, res.headers['x-request-id'], `${c.name}: request id`)
  }
  t.same(await scanAll(dynamo, 'Users'), [], 'no user written')
  t.same(await scanAll(dynamo, 'LoginAttempts'), [], 'no login attempt counted')
})

t.test('a validation error names the offending field', async (t) => {
  const { app } = await buildTestApp(t, 'bad-detail')
  const res = await app.inject({ method: 'POST', url: '/v1/users', headers: AUTH, payload: { email: 'a@example.com', password: PASSWORD, role: 'admin' } })
  t.match(res.json().error.details.issues, [{ property: 'role' }])
})

t.test('unknown routes and methods answer in the shared shape', async (t) => {
  const { app } = await buildTestApp(t, 'bad-route')
  const res = await app.inject({ method: 'PUT', url: `/v1/users/${USER_ID}`, headers: AUTH })
  t.equal(res.statusCode, 404)
  t.equal(res.json().error.code, 'NOT_FOUND')
  t.equal((await createUser(app, 'ok@example.com')).statusCode, 201, 'the app still works')
})
