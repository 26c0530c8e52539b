/**
 * The scale run (issue 20): does a sign-in or a refresh cost more with a million users and a
 * million sessions than with a thousand? One stack, one set of tables: seed 1,000 users and
 * sessions, measure; seed up to N (default 1,000,000) of each, measure again; then a user with
 * 5,000 sessions lists a page and revokes them all.
 *   npm run bench:scale                        1,000 then 1,000,000 (several minutes of seeding)
 *   npm run bench:scale -- --users 100000      a smaller large phase
 * Latency is one client, sequential requests (p50 is the path's own cost, not queueing), bcrypt
 * at cost 4 by default so the storage path is not hidden behind the hash. Writes
 * bench-results/scale.md.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { EMAIL_INDEX, createDynamoClients, createTables, tableNames, type DynamoClients } from '@gatehouse/dynamo'
import { provideDynamo, type RunningDynamo } from '@gatehouse/dynamo-local'
import { startStack, type Stack } from '@gatehouse/stack'
import { bulkSeed, seededRefreshToken, seededUserId } from '../seed/bulk.ts'
import { seedEmail } from '../seed/seed.ts'

const root = join(import.meta.dirname, '..', '..')
const PASSWORD = 'scale run users share this passphrase'
const UNLIMITED = '1000000000'
const WARM_UP = 30

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    small: { type: 'string', default: '1000' },
    samples: { type: 'string', default: '300' },
    'heavy-user-sessions': { type: 'string', default: '5000' },
    cost: { type: 'string', default: '4' },
    endpoint: { type: 'string', default: process.env['DYNAMODB_ENDPOINT'] },
    out: { type: 'string', default: join(root, 'bench-results') },
  },
})
const large = Number(values.users)
const small = Number(values.small)
const samples = Number(values.samples)
const heavy = Number(values['heavy-user-sessions'])
const cost = Number(values.cost)
for (const [name, value] of Object.entries({ users: large, small, samples, 'heavy-user-sessions': heavy, cost })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`)
}
if (large <= small) throw new Error('--users must be more than --small')

const log = (line: string) => process.stdout.write(`# ${line}\n`)
const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b)
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) }
}

async function timed(run: () => Promise<Response>, expect: number): Promise<number> {
  const started = performance.now()
  const response = await run()
  await response.arrayBuffer()
  if (response.status !== expect) throw new Error(`expected ${expect}, got ${response.status}`)
  return performance.now() - started
}

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json', 'x-token-transport': 'body' }, body: JSON.stringify(body) })

/**
 * Sequential sign-ins of distinct random users among `population`, each user's second (the first,
 * uncounted, is the once-in-a-life one: it clears the first-sign-in mark and starts the user's
 * session count, so a phase of fresh accounts would otherwise be compared with one of repeats);
 * refreshes of distinct seeded sessions in [first, first + samples); and DynamoDB Local's own
 * latency for the two lookups sign-in makes (the email-index Query and a consistent read of the
 * user), raw through the SDK, on the same users: what the store itself does as it grows.
 */
async function measure(stack: Stack, doc: DynamoClients['doc'], emailPrefix: string, population: number, firstSession: number, sessionCount: number) {
  const signIns: number[] = []
  const refreshes: number[] = []
  const rawQuery: number[] = []
  const rawRead: number[] = []
  const pick = (count: number, from: number, range: number): number[] => {
    const picked = new Set<number>()
    while (picked.size < Math.min(count, range)) picked.add(from + Math.floor(Math.random() * range))
    return [...picked]
  }
  const sessions = pick(samples + WARM_UP, firstSession, sessionCount)
  const [warmSessions, measuredSessions] = [sessions.slice(0, WARM_UP), sessions.slice(WARM_UP)]
  const users = pick(samples, 0, population)
  // Warm-up, not counted: connections, caches and the JIT, so both phases start from the same state.
  for (let i = 0; i < WARM_UP; i++) {
    await timed(() => fetch(`${stack.urls.gateway}/auth/login`, json({ email: seedEmail(emailPrefix, Math.floor(Math.random() * population)), password: PASSWORD })), 200)
  }
  for (const index of warmSessions) await timed(() => fetch(`${stack.urls.gateway}/auth/refresh`, json({ refreshToken: seededRefreshToken(emailPrefix, index) })), 200)
  for (const index of users) await timed(() => fetch(`${stack.urls.gateway}/auth/login`, json({ email: seedEmail(emailPrefix, index), password: PASSWORD })), 200)
  for (const index of users) {
    signIns.push(await timed(() => fetch(`${stack.urls.gateway}/auth/login`, json({ email: seedEmail(emailPrefix, index), password: PASSWORD })), 200))
  }
  for (const index of measuredSessions) {
    refreshes.push(await timed(() => fetch(`${stack.urls.gateway}/auth/refresh`, json({ refreshToken: seededRefreshToken(emailPrefix, index) })), 200))
  }
  const tables = tableNames(`${emailPrefix}-`)
  for (const index of users) {
    let started = performance.now()
    await doc.send(new QueryCommand({ TableName: tables.Users, IndexName: EMAIL_INDEX, KeyConditionExpression: 'email = :email', ExpressionAttributeValues: { ':email': seedEmail(emailPrefix, index) }, Limit: 1 }))
    rawQuery.push(performance.now() - started)
    started = performance.now()
    await doc.send(new GetCommand({ TableName: tables.Users, Key: { userId: seededUserId(emailPrefix, index) }, ConsistentRead: true }))
    rawRead.push(performance.now() - started)
  }
  return { signIn: summary(signIns), refresh: summary(refreshes), rawQuery: summary(rawQuery), rawRead: summary(rawRead) }
}

let dynamo: RunningDynamo | undefined
let stack: Stack | undefined
const endpoint = values.endpoint ?? (dynamo = await provideDynamo()).endpoint
const prefix = `scale-${randomBytes(3).toString('hex')}-`
const emailPrefix = prefix.slice(0, -1)
const clients = createDynamoClients({ endpoint, maxSockets: 128 })
try {
  await createTables(clients.client, prefix)
  stack = await startStack({
    dynamoEndpoint: endpoint, tablePrefix: prefix, bcryptCost: cost, logLevel: 'warn', fromDist: false,
    log: (line) => { if (/ERROR|FATAL/.test(line)) log(line) },
    env: { gateway: { RATE_LIMIT_GLOBAL_PER_MINUTE: UNLIMITED, RATE_LIMIT_LOGIN_PER_IP: UNLIMITED, RATE_LIMIT_LOGIN_PER_EMAIL: UNLIMITED } },
  })
  const seed = async (from: number, count: number, sessionFrom: number, extra = 0) => {
    const result = await bulkSeed({
      doc: clients.doc, tablePrefix: prefix, from, count, cost, password: PASSWORD, emailPrefix, sessions: count, sessionFrom, sessionsForFirstUser: extra, concurrency: 32,
      onProgress: (written, total) => { if (written % 200_000 < 25) log(`  ${written}/${total} items`) },
    })
    log(`seeded ${result.users} users and ${result.sessions} sessions: ${(result.ms / 1000).toFixed(0)} s, ${result.itemsPerSecond.toFixed(0)} items/s`)
    return result
  }

  log(`small phase: ${small} users, ${small} sessions`)
  await seed(0, small, 0)
  const before = await measure(stack, clients.doc, emailPrefix, small, 0, small)
  log(`small: sign-in p50 ${before.signIn.p50.toFixed(2)} ms, refresh p50 ${before.refresh.p50.toFixed(2)} ms`)

  log(`large phase: up to ${large} users and ${large} sessions, and user ${small} with ${heavy} more`)
  const seeding = await seed(small, large - small, small, heavy)
  const after = await measure(stack, clients.doc, emailPrefix, large, small, large - small)
  log(`large: sign-in p50 ${after.signIn.p50.toFixed(2)} ms, refresh p50 ${after.refresh.p50.toFixed(2)} ms`)

  // The heavy user: their 5,000 seeded sessions (plus the ones the spread gave them), through the public API.
  const signedIn = await (await fetch(`${stack.urls.gateway}/auth/login`, json({ email: seedEmail(emailPrefix, small), password: PASSWORD }))).json() as { accessToken: string }
  const bearer = { headers: { authorization: `Bearer ${signedIn.accessToken}` } }
  let started = performance.now()
  const page = await (await fetch(`${stack.urls.gateway}/auth/sessions?limit=100`, bearer)).json() as { sessions: unknown[]; next?: string }
  const listMs = performance.now() - started
  started = performance.now()
  const revoked = await fetch(`${stack.urls.gateway}/auth/logout-all`, { method: 'POST', ...bearer })
  const revokeMs = performance.now() - started
  if (revoked.status !== 204 || page.sessions.length !== 100 || page.next === undefined) throw new Error(`heavy user: list ${page.sessions.length}, revoke-all ${revoked.status}`)

  const ratio = (a: number, b: number) => (a / b).toFixed(2)
  const table = [
    `Scale run ${new Date().toISOString()}: bcrypt cost ${cost}, ${samples} sequential requests per figure (sign-ins: distinct users, each one's second), one stack (sources), DynamoDB Local.`,
    `Large phase seeded in ${(seeding.ms / 1000).toFixed(0)} s (${seeding.itemsPerSecond.toFixed(0)} items/s, one shared hash, BatchWriteItem).`,
    '',
    `| figure | ${small} users, ${small} sessions | ${large} users, ${large} sessions | ratio | goal | met |`,
    '|---|---|---|---|---|---|',
    `| sign-in p50 (p99) | ${before.signIn.p50.toFixed(2)} ms (${before.signIn.p99.toFixed(1)}) | ${after.signIn.p50.toFixed(2)} ms (${after.signIn.p99.toFixed(1)}) | ${ratio(after.signIn.p50, before.signIn.p50)} | ≤ 1.2 | ${after.signIn.p50 / before.signIn.p50 <= 1.2 ? 'yes' : '**no**'} |`,
    `| refresh p50 (p99) | ${before.refresh.p50.toFixed(2)} ms (${before.refresh.p99.toFixed(1)}) | ${after.refresh.p50.toFixed(2)} ms (${after.refresh.p99.toFixed(1)}) | ${ratio(after.refresh.p50, before.refresh.p50)} | ≤ 1.2 | ${after.refresh.p50 / before.refresh.p50 <= 1.2 ? 'yes' : '**no**'} |`,
    `| DynamoDB Local alone: email-index Query p50 (p99), raw SDK | ${before.rawQuery.p50.toFixed(2)} ms (${before.rawQuery.p99.toFixed(1)}) | ${after.rawQuery.p50.toFixed(2)} ms (${after.rawQuery.p99.toFixed(1)}) | ${ratio(after.rawQuery.p50, before.rawQuery.p50)} | reported | reported |`,
    `| DynamoDB Local alone: consistent GetItem of the user p50 (p99), raw SDK | ${before.rawRead.p50.toFixed(2)} ms (${before.rawRead.p99.toFixed(1)}) | ${after.rawRead.p50.toFixed(2)} ms (${after.rawRead.p99.toFixed(1)}) | ${ratio(after.rawRead.p50, before.rawRead.p50)} | reported | reported |`,
    `| a user with ${heavy}+ sessions: first page of 100 | — | ${listMs.toFixed(1)} ms | — | bounded | yes |`,
    `| the same user: sign out everywhere (revoke-all) | — | ${(revokeMs / 1000).toFixed(2)} s | — | bounded | yes |`,
    '',
  ].join('\n')
  process.stdout.write(`\n${table}\n`)
  mkdirSync(values.out, { recursive: true })
  writeFileSync(join(values.out, 'scale.md'), table)
} finally {
  await stack?.stop()
  clients.destroy()
  await dynamo?.stop()
}
