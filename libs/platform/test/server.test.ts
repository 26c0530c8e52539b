import t from 'tap'
import { Type } from '@sinclair/typebox'
import { AppError, createServer } from '../src/index.ts'
import { memoryLogger } from './helper.ts'

function build() {
  const memory = memoryLogger()
  const app = createServer({ service: 'test', logLevel: 'info', bodyLimit: 512, logger: memory.logger })
  app.post('/things', {
    schema: { body: Type.Object({ name: Type.String({ minLength: 1 }), count: Type.Integer() }, { additionalProperties: false }) },
  }, async (request) => ({ ok: request.body.name }))
  app.get('/boom', async () => {
    throw new Error('db password=hunter2 exploded')
  })
  app.get('/teapot', async () => {
    throw new AppError(409, 'EMAIL_TAKEN', 'Email already registered', { headers: { 'x-extra': '1' }, details: { field: 'email' } })
  })
  t.teardown(() => app.close())
  return { app, memory }
}

t.test('bad input of every kind gets a 4xx in the shared error shape', async (t) => {
  const { app } = build()
  const cases = [
    { name: 'missing field', payload: { name: 'a' }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'extra field', payload: { name: 'a', count: 1, admin: true }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'wrong type is not coerced', payload: { name: 'a', count: '1' }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'malformed JSON', payload: '{"name":', status: 400, code: 'MALFORMED_JSON' },
    { name: 'body over the limit', payload: { name: 'x'.repeat(600), count: 1 }, status: 413, code: 'PAYLOAD_TOO_LARGE' },
  ]
  for (const c of cases) {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-1' },
      payload: typeof c.payload === 'string' ? c.payload : JSON.stringify(c.payload),
    })
    t.equal(response.statusCode, c.status, c.name)
    const body = response.json()
    t.equal(body.error.code, c.code, `${c.name}: code`)
    t.equal(body.error.requestId, 'req-1', `${c.name}: request id`)
    t.type(body.error.message, 'string')
  }
  const unsupported = await app.inject({ method: 'POST', url: '/things', headers: { 'content-type': 'text/plain' }, payload: 'x' })
  t.equal(unsupported.statusCode, 415)
  t.equal(unsupported.json().error.code, 'UNSUPPORTED_MEDIA_TYPE')
  const extra = await app.inject({ method: 'POST', url: '/things', payload: { name: 'a', count: 1, admin: true } })
  t.equal(extra.json().error.details.issues[0].property, 'admin', 'the unknown field is named')
})

t.test('an unknown route answers 404 in the shared shape', async (t) => {
  const { app } = build()
  const response = await app.inject({ method: 'GET', url: '/nowhere?secret=1' })
  t.equal(response.statusCode, 404)
  t.equal(response.json().error.code, 'NOT_FOUND')
  t.notMatch(response.body, /secret/)
})

t.test('a 5xx hides its details from the client and logs them with the request id', async (t) => {
  const { app, memory } = build()
  const response = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'trace-42' } })
  t.equal(response.statusCode, 500)
  t.same(response.json(), { error: { code: 'INTERNAL', message: 'Internal server error', requestId: 'trace-42' } })
  const line = memory.lines().find((entry) => entry['msg'] === 'unhandled error')
  t.equal(line?.['requestId'], 'trace-42')
})

t.test('an AppError keeps its status, code, details and headers', async (t) => {
  const { app } = build()
  const response = await app.inject({ method: 'GET', url: '/teapot' })
  t.equal(response.statusCode, 409)
  t.equal(response.headers['x-extra'], '1')
  t.same(response.json().error.details, { field: 'email' })
})

t.test('request ids: a safe caller id is kept and echoed, an unsafe one is replaced', async (t) => {
  const { app } = build()
  const kept = await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'abc-123' } })
  t.equal(kept.headers['x-request-id'], 'abc-123')
  const replaced = await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'bad id\nforged log line' } })
  t.match(replaced.headers['x-request-id'], /^[0-9a-f-]{36}$/)
})

t.test('log lines redact passwords, tokens, cookies and authorization headers', async (t) => {
  const { logger, text } = memoryLogger()
  logger.info({ password: 'hunter2hunter2', body: { refreshToken: 'rt-secret', newPassword: 'np-secret' }, req: { headers: { authorization: 'Bearer at-secret', cookie: 'gh_refresh=c-secret' } } }, 'x')
  const written = text()
  for (const secret of ['hunter2hunter2', 'rt-secret', 'np-secret', 'at-secret', 'c-secret']) t.notMatch(written, secret)
  t.match(written, '[Redacted]')
})
