import t from 'tap'
import { execFileSync } from 'node:child_process'
import { provideDynamo, startEmbedded, waitForDynamo, javaMajorVersion, portInUse } from '../src/index.ts'

t.test('an explicit DYNAMODB_ENDPOINT wins and is never stopped by us', async (t) => {
  const running = await provideDynamo({ env: { DYNAMODB_ENDPOINT: 'http://127.0.0.1:1' } })
  t.equal(running.kind, 'external')
  t.equal(running.endpoint, 'http://127.0.0.1:1')
  await running.stop()
})

t.test('the embedded DynamoDB Local starts on Java 17+ and leaves no java process when stopped', async (t) => {
  t.ok((javaMajorVersion() ?? 0) >= 17, 'java 17+ present')
  const running = await startEmbedded()
  t.equal(running.kind, 'embedded')
  await waitForDynamo(running.endpoint, 5000)
  const port = Number(new URL(running.endpoint).port)
  await running.stop()
  t.notOk(await portInUse(port), 'port released')
  const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(`-port ${port}`))
  t.same(left, [], 'no process left behind')
})

t.test('a missing Java gives an error that names what is missing and how to get it', async (t) => {
  const path = process.env['PATH']
  process.env['PATH'] = '/nonexistent'
  t.teardown(() => { process.env['PATH'] = path })
  await t.rejects(provideDynamo({ env: {}, preferContainer: false }), /Java was not found.*openjdk-17/s)
})
