/**
 * The benchmark (issue 8): every figure beside its baseline, in one run, on this machine.
 *   npm run bench                      full run, about 10 s per figure
 *   npm run bench -- --quick           smoke mode, about 2 s per figure
 *   npm run bench -- --cost 12 --endpoint http://127.0.0.1:8000 --from-src
 * Writes bench-results/latest.md and latest.json (or --out DIR).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runBench } from './bench.ts'
import { markdownTable } from './report.ts'

const root = join(import.meta.dirname, '..', '..')
const USAGE = 'usage: npm run bench -- [--quick] [--cost 10] [--endpoint URL] [--duration SEC] [--connections N] [--login-connections N] [--users N] [--from-src] [--bcrypt-threads N] [--out DIR]\n'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    cost: { type: 'string', default: '10' },
    endpoint: { type: 'string', default: process.env['DYNAMODB_ENDPOINT'] },
    duration: { type: 'string' },
    connections: { type: 'string' },
    'login-connections': { type: 'string' },
    users: { type: 'string' },
    'from-src': { type: 'boolean', default: false },
    'bcrypt-threads': { type: 'string' },
    out: { type: 'string', default: join(root, 'bench-results') },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  process.stdout.write(USAGE)
  process.exit(0)
}

function integer(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    process.stderr.write(`error: --${name} must be an integer in [${min}, ${max}]\n${USAGE}`)
    process.exit(2)
  }
  return value
}

const results = await runBench({
  quick: values.quick,
  cost: integer('cost', values.cost, 4, 15) as number,
  endpoint: values.endpoint,
  ...(values.duration === undefined ? {} : { durationSec: integer('duration', values.duration, 1, 120) as number }),
  ...(values.connections === undefined ? {} : { connections: integer('connections', values.connections, 1, 512) as number }),
  ...(values['login-connections'] === undefined ? {} : { loginConnections: integer('login-connections', values['login-connections'], 1, 512) as number }),
  ...(values.users === undefined ? {} : { users: integer('users', values.users, 1, 100_000) as number }),
  ...(values['bcrypt-threads'] === undefined ? {} : { bcryptThreads: integer('bcrypt-threads', values['bcrypt-threads'], 1, 64) as number }),
  fromDist: !values['from-src'],
})
const table = markdownTable(results)
mkdirSync(values.out, { recursive: true })
writeFileSync(join(values.out, 'latest.md'), table)
writeFileSync(join(values.out, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`)
process.stdout.write(`\n${table}\nwritten to ${join(values.out, 'latest.{md,json}')}\n`)
