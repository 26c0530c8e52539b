/** `npm run seed`: the CLI behind tools/seed/cli.ts (which sizes the threadpool first). */
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { createDynamoClients, tableNames } from '@gatehouse/dynamo'
import { bulkSeed } from './bulk.ts'
import { seedUsers } from './seed.ts'

const USAGE = 'usage: npm run seed -- --count N --cost C [--endpoint URL] [--prefix P] [--concurrency K] [--email-prefix E] [--password PW]\n'
  + '       npm run seed -- --bulk --count 1000000 [--sessions N] [--sessions-for-first-user N] [--from I] ...   (one shared hash, batch writes: for scale runs)\n'
const DEFAULT_PASSWORD = 'seeded users share this passphrase'

const { values } = parseArgs({
  options: {
    count: { type: 'string' },
    cost: { type: 'string', default: '10' },
    endpoint: { type: 'string', default: process.env['DYNAMODB_ENDPOINT'] },
    region: { type: 'string', default: process.env['AWS_REGION'] },
    prefix: { type: 'string', default: process.env['TABLE_PREFIX'] ?? 'dev-' },
    concurrency: { type: 'string' },
    'email-prefix': { type: 'string' },
    password: { type: 'string', default: DEFAULT_PASSWORD },
    bulk: { type: 'boolean', default: false },
    sessions: { type: 'string', default: '0' },
    'sessions-for-first-user': { type: 'string', default: '0' },
    from: { type: 'string', default: '0' },
    help: { type: 'boolean', default: false },
  },
})

function integer(name: string, raw: string | undefined, min: number, max: number): number {
  const value = Number(raw)
  if (raw === undefined || !Number.isInteger(value) || value < min || value > max) {
    process.stderr.write(`error: --${name} must be an integer in [${min}, ${max}]\n${USAGE}`)
    process.exit(2)
  }
  return value
}

if (values.help) {
  process.stdout.write(USAGE)
  process.exit(0)
}
const count = integer('count', values.count, 1, 10_000_000)
const cost = integer('cost', values.cost, 4, 15)
const concurrency = integer('concurrency', values.concurrency ?? String(Number(process.env['UV_THREADPOOL_SIZE']) * 2), 1, 1024)
const emailPrefix = values['email-prefix'] ?? `seed-${randomBytes(3).toString('hex')}`

const clients = createDynamoClients({ endpoint: values.endpoint, region: values.region, maxSockets: Math.max(64, concurrency) })
if (values.bulk) {
  const sessions = integer('sessions', values.sessions, 0, 10_000_000)
  const firstUser = integer('sessions-for-first-user', values['sessions-for-first-user'], 0, 100_000)
  const from = integer('from', values.from, 0, 100_000_000)
  process.stdout.write(`bulk seeding users ${from}…${from + count - 1} (${emailPrefix}-<i>@seed.example, one shared hash at cost ${cost}) and ${sessions + firstUser} sessions into ${values.prefix}*\n`)
  let reported = 0
  try {
    const result = await bulkSeed({
      doc: clients.doc, tablePrefix: values.prefix, from, count, cost, password: values.password, emailPrefix, sessions, sessionsForFirstUser: firstUser, concurrency: Math.min(concurrency, 64),
      onProgress: (written, total) => {
        if (written - reported >= total / 20 || written === total) {
          reported = written
          process.stdout.write(`  ${written}/${total} items\n`)
        }
      },
    })
    process.stdout.write(`wrote ${result.users} users and ${result.sessions} sessions (${result.items} items) in ${(result.ms / 1000).toFixed(1)} s: ${result.itemsPerSecond.toFixed(0)} items/s\n`)
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`)
    process.exitCode = 1
  } finally {
    clients.destroy()
  }
} else {
  const table = tableNames(values.prefix).Users
  process.stdout.write(`seeding ${count} users into ${table} at bcrypt cost ${cost}, ${concurrency} at a time\n`)
  let lastReport = 0
  try {
    const result = await seedUsers({
      clients,
      usersTable: table,
      count,
      cost,
      concurrency,
      password: values.password,
      emailPrefix,
      onProgress: (done) => {
        if (done - lastReport >= Math.max(100, count / 10) || done === count) {
          lastReport = done
          process.stdout.write(`  ${done}/${count}\n`)
        }
      },
    })
    process.stdout.write(`created ${result.created}, already there ${result.existing}, in ${(result.ms / 1000).toFixed(1)} s: ${result.usersPerSecond.toFixed(1)} users/s\n`)
    // The password is the caller's (or the documented default): never echoed.
    process.stdout.write(`emails: ${emailPrefix}-0@seed.example … ${emailPrefix}-${count - 1}@seed.example\n`)
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`)
    process.exitCode = 1
  } finally {
    clients.destroy()
  }
}
