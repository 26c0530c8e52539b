/**
 * The benchmark's quick mode as a smoke test: every figure is produced, on the test run's
 * DynamoDB Local. It asserts nothing about speed (a shared CI machine is noisy by nature).
 */
import t from 'tap'
import { runBench } from './bench.ts'
import { markdownTable } from './report.ts'

const endpoint = process.env['DYNAMODB_ENDPOINT']
if (endpoint === undefined) throw new Error('run through npm test: DYNAMODB_ENDPOINT is not set')

// The quick mode builds bundles and runs every figure: minutes on a busy runner, not seconds.
t.setTimeout(420_000)

t.test('quick mode produces every figure', { timeout: 400_000 }, async (t) => {
  const results = await runBench({ quick: true, cost: 4, endpoint, durationSec: 1, users: 24, connections: 4, loginConnections: 4, fromDist: false, log: (line) => t.comment(line) })
  const ids = results.figures.map((figure) => figure.id)
  t.same(ids, [
    'login', 'cpu-sign-in', 'refresh', 'cpu-refresh', 'introspection', 'cpu-introspection',
    'introspection-metrics', 'contention', 'me',
    'rss-identity', 'rss-token', 'rss-gateway',
    'overload', 'overload-introspection', 'overload-rss',
    'dynamo-sign-in', 'dynamo-refresh',
    'startup-identity', 'startup-token', 'startup-gateway',
    'lambda-init-identity', 'lambda-init-token', 'lambda-init-gateway',
    'bundle-identity', 'bundle-token', 'bundle-gateway',
    'web-first-page',
  ])
  for (const figure of results.figures) {
    for (const side of [figure.measured, figure.baseline ?? {}]) {
      // A difference (CPU outside bcrypt) may come out below zero on a noisy machine, and a
      // short burst may shed nothing: produced is all this checks, never how fast.
      for (const [key, value] of Object.entries(side)) t.ok(Number.isFinite(value), `${figure.id} ${key} is a number`)
    }
    if (figure.ratio !== undefined) t.ok(Number.isFinite(figure.ratio), `${figure.id} ratio is a number`)
  }
  t.match(markdownTable(results), /\| login\/s through the gateway/)
})
