import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDynamoClients, createTables, tableNames } from '@gatehouse/dynamo'
import { provideDynamo, type RunningDynamo } from '@gatehouse/dynamo-local'
import { bundleApp } from '../build/bundle.ts'
import { seedUsers } from '../seed/seed.ts'
import { startStack, type Stack } from '@gatehouse/stack'
import { signIn } from './fixtures.ts'
import { bundleFigures, memoryFigures, rssSampler, SERVICES, startupFigures } from './figures/footprint.ts'
import { dynamoRequestFigures } from './figures/dynamo-requests.ts'
import { contentionFigure, introspectionFigure } from './figures/introspection.ts'
import { lambdaInitFigures } from './figures/lambda-init.ts'
import { loginFigure } from './figures/login.ts'
import { meFigure } from './figures/me.ts'
import { metricsOverheadFigure } from './figures/metrics-overhead.ts'
import { overloadFigures } from './figures/overload.ts'
import { peerFigures } from './figures/peer.ts'
import { refreshFigure } from './figures/refresh.ts'
import { webFigure } from './figures/web.ts'
import { machine, type BenchResults } from './report.ts'
import type { BenchContext, Figure } from './types.ts'

export interface BenchOptions {
  quick: boolean
  cost: number
  /** An existing DynamoDB (the test run's); one is started when absent. */
  endpoint?: string | undefined
  durationSec?: number
  connections?: number
  loginConnections?: number
  users?: number
  /** Run the esbuild bundles (as containers do); false runs the TypeScript sources. */
  fromDist?: boolean
  /** libuv threads for identity's bcrypt (UV_THREADPOOL_SIZE); Node's default (4) when absent. */
  bcryptThreads?: number
  log?: (line: string) => void
}

const root = join(import.meta.dirname, '..', '..')
const PASSWORD = 'benchmark users share this passphrase'
const UNLIMITED = '1000000000'

/** Everything in one run, so each figure and its baseline share the machine's state. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const log = options.log ?? ((line: string) => process.stdout.write(`# ${line}\n`))
  const startedAt = new Date().toISOString()
  const fromDist = options.fromDist ?? true
  const connections = options.connections ?? 16
  const loginConnections = options.loginConnections ?? 16
  const durationSec = options.durationSec ?? (options.quick ? 2 : 10)
  const users = options.users ?? (options.quick ? 40 : 100)
  // The bundle sizes are a figure of their own. Bundles that will not run are built in a folder of
  // their own, so a run from sources (the smoke test) never rewrites dist/ under another test.
  const bundleRoot = fromDist ? join(root, 'dist') : mkdtempSync(join(tmpdir(), 'gatehouse-bench-'))
  // The bundles leave bcrypt outside: from a folder outside the repository it resolves through this link.
  if (!fromDist) symlinkSync(join(root, 'node_modules'), join(bundleRoot, 'node_modules'), 'dir')
  for (const name of SERVICES) {
    log(`building the ${name} bundle`)
    await bundleApp(`apps/${name}`, bundleRoot)
  }
  let dynamo: RunningDynamo | undefined
  let stack: Stack | undefined
  let rss: ReturnType<typeof rssSampler> | undefined
  const endpoint = options.endpoint ?? (dynamo = await provideDynamo()).endpoint
  const prefix = `bench-${randomBytes(3).toString('hex')}-`
  const clients = createDynamoClients({ endpoint, maxSockets: 128 })
  try {
    await createTables(clients.client, prefix)
    log(`seeding ${users} users at bcrypt cost ${options.cost}`)
    const seeded = await seedUsers({ clients, usersTable: tableNames(prefix).Users, count: users, cost: options.cost, concurrency: 8, password: PASSWORD, emailPrefix: prefix.slice(0, -1) })
    log(`seeded at ${seeded.usersPerSecond.toFixed(1)} users/s`)
    stack = await startStack({
      dynamoEndpoint: endpoint,
      tablePrefix: prefix,
      bcryptCost: options.cost,
      // Request logs at info would be parsed by this process too and charged to the services.
      logLevel: 'warn',
      fromDist,
      log: (line) => { if (/ERROR|FATAL/.test(line)) log(line) },
      // The limits guard against one client; the benchmark is one client by design.
      env: {
        gateway: { RATE_LIMIT_GLOBAL_PER_MINUTE: UNLIMITED, RATE_LIMIT_LOGIN_PER_IP: UNLIMITED, RATE_LIMIT_LOGIN_PER_EMAIL: UNLIMITED },
        ...(options.bcryptThreads === undefined ? {} : { identity: { UV_THREADPOOL_SIZE: String(options.bcryptThreads) } }),
      },
    })
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const ctx: BenchContext = {
      stack,
      dynamo: { endpoint, prefix, doc: clients.doc },
      cost: options.cost,
      durationSec,
      connections,
      loginConnections,
      emails: seeded.emails,
      password: PASSWORD,
      sessions: [],
      refreshSessions: [],
      fromDist,
      reps: options.quick ? 1 : 5,
      log,
    }
    rss = rssSampler(ctx)
    log('signing in the sessions the figures replay')
    ctx.sessions = await signIn(stack, seeded.emails.slice(0, connections), PASSWORD)
    ctx.refreshSessions = await signIn(stack, seeded.emails.slice(0, connections * 2), PASSWORD)
    const figures: Figure[] = []
    const login = await loginFigure(ctx)
    figures.push(login.figure, login.cpu)
    const refresh = await refreshFigure(ctx)
    figures.push(refresh.figure, refresh.cpu)
    const introspection = await introspectionFigure(ctx)
    figures.push(introspection.figure, introspection.cpu)
    figures.push(await metricsOverheadFigure(ctx))
    figures.push(await contentionFigure(ctx, introspection.alone))
    figures.push(await meFigure(ctx))
    // The memory figures end before the burst: its peak is a figure of its own (overload-rss).
    figures.push(...memoryFigures(rss.idle, rss.stop()))
    figures.push(...(await overloadFigures(ctx, login.service)))
    figures.push(...(await dynamoRequestFigures(ctx)))
    figures.push(...(await startupFigures(ctx)))
    figures.push(...(await lambdaInitFigures(ctx, bundleRoot)))
    figures.push(...bundleFigures(bundleRoot))
    figures.push(await webFigure(ctx, bundleRoot))
    // The peer only in full mode: it needs PostgreSQL and its own install, and the quick mode runs in CI.
    if (!options.quick) {
      figures.push(...(await peerFigures(ctx, {
        signIn: login.service,
        signInOutsideMs: login.cpu.measured['outsideMs'] as number,
        introspection: introspection.alone,
        introspectionCpuMs: (introspection.cpu.measured['cpuUs'] as number) / 1000,
      })))
    }
    return {
      startedAt,
      mode: options.quick ? 'quick' : 'full',
      machine: machine(),
      settings: { bcryptCost: options.cost, durationSec, connections, loginConnections, users, fromDist, serviceLogLevel: 'warn', identityBcryptThreads: options.bcryptThreads ?? 'default (4)' },
      figures,
    }
  } finally {
    rss?.stop()
    await stack?.stop()
    clients.destroy()
    await dynamo?.stop()
    if (!fromDist) rmSync(bundleRoot, { recursive: true, force: true })
  }
}
