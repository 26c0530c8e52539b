/**
 * The benchmark's quick mode as a smoke test: every figure is produced, on the test run's
 * DynamoDB Local. It asserts nothing about speed (a shared CI machine is noisy by nature).
 */
import t from 'tap'
import { runBench } from './bench.ts'
import { markdownTable } from './report.ts'

const endpoint = process.env['DYNAMODB_ENDPOINT']
if (endpoint === undefined) throw new Error('run through npm test: DYNAMODB_ENDPOINT is not set')

t.test('quick mode produces every figure', { timeout: 150_000 }, async (t) => {
  const results = await runBench({ quick: true, cost: 4, endpoint, durationSec: 1, users: 24, connections: 4, loginConnections: 4, fromDist: false, log: (line) => t.comment(line) })
  const ids = results.figures.map((figure) => figure.id)
  t.same(ids, [
    'login', 'refresh', 'introspection', 'introspection-metrics', 'contention', 'me',
    'rss-identity', 'rss-token', 'rss-gateway',
    'startup-identity', 'startup-token', 'startup-gateway',
    'bundle-identity', 'bundle-token', 'bundle-gateway',
  ])
  for (const figure of results.figures) {
    for (const side of [figure.measured, figure.baseline ?? {}]) {
      for (const [key, value] of Object.entries(side)) {
        if (key === 'failed' || /^p\d+$/.test(key)) t.ok(Number.isFinite(value) && value >= 0, `${figure.id} ${key} is a number`)
        else t.ok(value > 0, `${figure.id} ${key} > 0`)
      }
    }
  }
  t.match(markdownTable(results), /\| login\/s through the gateway/)
})
