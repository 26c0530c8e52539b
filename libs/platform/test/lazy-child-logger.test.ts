import t from 'tap'
import { createServer } from '../src/index.ts'
import { memoryLogger } from './helper.ts'

t.test('at warn, a request that logs nothing writes nothing, and an error line still carries its request id, redacted', async (t) => {
  const memory = memoryLogger('warn')
  const app = createServer({ service: 'test', logLevel: 'warn', bodyLimit: 512, logger: memory.logger })
  app.get('/quiet', async (request) => {
    request.log.info('not written at warn')
    return { ok: true }
  })
  app.get('/loud', async (request) => {
    request.log.child({ step: 'inner' }).warn({ password: 'hunter2', token: 'secret-token' }, 'something odd')
    return { ok: true }
  })
  t.teardown(() => app.close())

  t.equal((await app.inject({ url: '/quiet', headers: { 'x-request-id': 'req-quiet' } })).statusCode, 200)
  t.equal(memory.text(), '', 'no line at all')

  t.equal((await app.inject({ url: '/loud', headers: { 'x-request-id': 'req-loud' } })).statusCode, 200)
  const [line] = memory.lines()
  t.match(line, { level: 40, msg: 'something odd', requestId: 'req-loud', step: 'inner', service: 'test', password: '[Redacted]', token: '[Redacted]' })
  t.notMatch(memory.text(), /hunter2|secret-token/)
})

t.test('at info, request logging is unchanged: one child per request with its id', async (t) => {
  const memory = memoryLogger('info')
  const app = createServer({ service: 'test', logLevel: 'info', bodyLimit: 512, logger: memory.logger })
  app.get('/ok', async () => ({ ok: true }))
  t.teardown(() => app.close())
  await app.inject({ url: '/ok', headers: { 'x-request-id': 'req-info' } })
  const messages = memory.lines().map((line) => [line['msg'], line['requestId']])
  t.same(messages, [['incoming request', 'req-info'], ['request completed', 'req-info']])
})
