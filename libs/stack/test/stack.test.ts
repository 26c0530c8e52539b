import t from 'tap'
import { useTestDynamo } from '@gatehouse/dynamo'
import { formatLogLine, serviceCommand, startStack } from '../src/index.ts'

t.test('a pino line becomes one readable line; anything else passes through tagged', async (t) => {
  const line = JSON.stringify({ level: 40, time: '2026-01-01T12:00:01.000Z', msg: 'slow', service: 'token', pid: 1, requestId: 'r1', ms: 12 })
  t.equal(formatLogLine('token', line, false), '12:00:01 WARN  [token   ] slow requestId=r1 ms=12')
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
