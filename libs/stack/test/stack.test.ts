import t from 'tap'
import { useTestDynamo } from '@gatehouse/dynamo'
import { formatLogLine, serviceCommand, startStack } from '../src/index.ts'

t.test('dev logs: a pino line is pretty-printed and tagged, an error with its stack on lines of its own', async (t) => {
  const line = JSON.stringify({ level: 40, time: '2026-01-01T12:00:01.000Z', msg: 'slow', service: 'token', pid: 1, requestId: 'r1', ms: 12 })
  const pretty = formatLogLine('token', line, false)
  t.match(pretty, /^\[token {3}\] \[\d\d:\d\d:01\] WARN: slow\n/)
  t.match(pretty, /requestId: "r1"/)
  t.notMatch(pretty, /pid|service/, 'pid and the service (already in the tag) are left out')
  const error = JSON.stringify({ level: 50, time: '2026-01-01T12:00:02.000Z', msg: 'failed', err: { type: 'Error', message: 'x', stack: 'Error: x\n    at handler (routes/auth.ts:10:5)' } })
  t.match(formatLogLine('gateway', error, false), /ERROR: failed[\s\S]*\n\s+Error: x\n\s+at handler \(routes\/auth\.ts:10:5\)/)
  t.equal(formatLogLine('identity', 'not json', false), '[identity] not json')
  t.equal(formatLogLine('gateway', 'null', false), '[gateway ] null')
  t.match(formatLogLine('gateway', '{"msg":"x"}', true), /\x1b\[32m\[gateway \]\x1b\[0m/)
})

t.test('serviceCommand: the sources, or the bundle in dist/', async (t) => {
  t.match(serviceCommand('identity')[0], /apps\/identity\/src\/main\.ts$/)
  t.match(serviceCommand('token', true)[0], /dist\/apps\/token\/main\.mjs$/)
})

t.test('services: only the ones asked for start; one can be stopped and started again on its port', async (t) => {
  const dynamo = await useTestDynamo(t, 'stack')
  const lines: string[] = []
  const stack = await startStack({
    dynamoEndpoint: dynamo.endpoint, tablePrefix: dynamo.prefix, services: ['token'], logLevel: 'warn', log: (line) => lines.push(line),
  })
  t.teardown(() => stack.stop())
  t.same(Object.keys(stack.services), ['token'])
  const jwks = async () => (await fetch(`${stack.urls.token}/.well-known/jwks.json`)).status
  t.equal(await jwks(), 200)
  await stack.stopService('token')
  await t.rejects(jwks(), 'stopped')
  await stack.stopService('identity')
  await stack.startService('token')
  t.equal(await jwks(), 200, 'back on the same port')
})
