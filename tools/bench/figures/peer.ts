import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import bcrypt from 'bcrypt'
import { freePort } from '@gatehouse/dynamo-local'
import { httpLoad, loop, round, type Measurement } from '../load.ts'
import { cpuMs, ownCpuDuring } from '../processes.ts'
import { startPostgres } from '../postgres.ts'
import type { BenchContext, Figure } from '../types.ts'

const PEER_DIR = join(import.meta.dirname, '..', 'peer')
const NODE = process.execPath

/** What our side measured in the same run, for the ratios. */
export interface OurSide {
  signIn: Measurement
  /** Our three processes' CPU per sign-in outside bcrypt, ms. */
  signInOutsideMs: number
  introspection: Measurement
  /** The token service's CPU per introspection, ms. */
  introspectionCpuMs: number
}

/** The CPU of a process and every descendant alive now (PostgreSQL's backends are the postmaster's children). */
function treeCpuMs(pid: number, seen = new Set<number>()): Map<number, number> {
  const out = new Map<number, number>()
  if (seen.has(pid)) return out
  seen.add(pid)
  try {
    out.set(pid, cpuMs(pid))
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
      for (const [child, ms] of treeCpuMs(Number(task), seen)) out.set(child, ms)
    }
  } catch {
    // The process ended between the listing and the read: nothing to count.
  }
  return out
}
async function treeCpuDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = treeCpuMs(pid)
  const result = await work()
  const after = treeCpuMs(pid)
  let used = 0
  for (const [child, ms] of after) used += ms - (before.get(child) ?? 0)
  return { result, cpuMs: used }
}

const skipped = (why: string): Figure[] => [{ id: 'peer', title: 'better-auth beside us (sign-ins, session check)', measured: {}, goal: 'reported (full mode)', met: null, note: `skipped: ${why}` }]

/**
 * better-auth in the same run (issue 20): email and password with bcrypt at our cost, on a
 * PostgreSQL started here. Sign-ins/s and CPU per sign-in outside the hash against ours; its
 * session check (GET /api/auth/get-session with the session cookie) against our introspection.
 * PostgreSQL's CPU is reported beside the peer's, as DynamoDB Local's is left out of ours.
 */
export async function peerFigures(ctx: BenchContext, ours: OurSide): Promise<Figure[]> {
  if (!existsSync(join(PEER_DIR, 'node_modules', 'better-auth'))) return skipped('the peer is not installed: npm run bench:peer-install')
  const postgres = await startPostgres()
  if (typeof postgres === 'string') return skipped(postgres)
  const port = await freePort()
  const child = spawn(NODE, [join(PEER_DIR, 'server.ts')], {
    env: { PATH: process.env['PATH'] ?? '', PEER_DATABASE_URL: postgres.url, PEER_PORT: String(port), BCRYPT_COST: String(ctx.cost), NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the peer did not start: ${stderr.slice(0, 500)}`)), 60_000)
      child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) { clearTimeout(timer); resolve() } })
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the peer exited (${code}): ${stderr.slice(0, 500)}`)) })
    })
    const base = `http://127.0.0.1:${port}`
    const users = ctx.emails.map((email) => email.replace('@', '+peer@'))
    ctx.log(`peer: signing up ${users.length} better-auth users at bcrypt cost ${ctx.cost}`)
    for (const email of users) {
      const response = await fetch(`${base}/api/auth/sign-up/email`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ email, password: ctx.password, name: 'bench' }) })
      if (!response.ok) throw new Error(`peer sign-up: ${response.status} ${await response.text()}`)
    }
    const hash = await bcrypt.hash(ctx.password, ctx.cost)
    const raw = await ownCpuDuring(() => loop(async () => { await bcrypt.compare(ctx.password, hash) }, ctx.loginConnections, Math.max(2, Math.round(ctx.durationSec / 2))))
    const compareMs = raw.cpuMs / Math.max(1, raw.result.ok)

    ctx.log(`peer: POST /api/auth/sign-in/email, ${ctx.loginConnections} connections`)
    let next = 0
    const cookies: string[] = []
    const pgBefore = treeCpuMs(postgres.pid)
    const signIn = await treeCpuDuring(child.pid as number, () => httpLoad({
      url: `${base}/api/auth/sign-in/email`, method: 'POST', headers: { 'content-type': 'application/json', origin: base },
      connections: ctx.loginConnections, durationSec: ctx.durationSec,
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ email: users[next++ % users.length], password: ctx.password }) }),
      onResponse: (status, _body, headers) => {
        const set = headers['set-cookie']
        const first = Array.isArray(set) ? set[0] : set
        if (status === 200 && first !== undefined && cookies.length < 64) cookies.push(first.split(';')[0] as string)
      },
    }))
    let pgSignIn = 0
    for (const [pid, ms] of treeCpuMs(postgres.pid)) pgSignIn += ms - (pgBefore.get(pid) ?? 0)
    if (cookies.length === 0) throw new Error('the peer gave no session cookie')
    const peerOutside = signIn.cpuMs / Math.max(1, signIn.result.ok) - compareMs

    ctx.log(`peer: GET /api/auth/get-session, ${ctx.connections} connections`)
    let turn = 0
    const pgBeforeCheck = treeCpuMs(postgres.pid)
    const check = await treeCpuDuring(child.pid as number, () => httpLoad({
      url: `${base}/api/auth/get-session`, connections: ctx.connections, durationSec: ctx.durationSec,
      setupRequest: (request) => ({ ...request, headers: { ...request.headers, cookie: cookies[turn++ % cookies.length] as string } }),
    }))
    let pgCheck = 0
    for (const [pid, ms] of treeCpuMs(postgres.pid)) pgCheck += ms - (pgBeforeCheck.get(pid) ?? 0)
    const peerCheckMs = check.cpuMs / Math.max(1, check.result.ok)
    return [
      {
        id: 'peer-sign-in',
        title: `better-auth sign-ins/s (bcrypt cost ${ctx.cost}, PostgreSQL) against ours`,
        measured: { perSecond: round(signIn.result.perSecond, 1), p50: signIn.result.p50, p99: signIn.result.p99, failed: signIn.result.failed, outsideHashMs: round(peerOutside, 3), postgresMsPerSignIn: round(pgSignIn / Math.max(1, signIn.result.ok), 3) },
        baseline: { oursPerSecond: round(ours.signIn.perSecond, 1), oursOutsideBcryptMs: round(ours.signInOutsideMs, 3) },
        ratio: ours.signIn.perSecond / signIn.result.perSecond,
        ratioOf: 'our sign-ins/s ÷ theirs',
        goal: 'reported; ≥ 1 means we are ahead',
        met: null,
        note: `CPU outside the hash per sign-in: theirs ${round(peerOutside, 2)} ms (Node) + ${round(pgSignIn / Math.max(1, signIn.result.ok), 2)} ms PostgreSQL, ours ${round(ours.signInOutsideMs, 2)} ms (three services; DynamoDB Local not counted)`,
      },
      {
        id: 'peer-session-check',
        title: 'better-auth session check (get-session) against our introspection',
        measured: { perSecond: round(check.result.perSecond, 0), p50: check.result.p50, p99: check.result.p99, cpuMs: round(peerCheckMs, 3), postgresMs: round(pgCheck / Math.max(1, check.result.ok), 3) },
        baseline: { oursPerSecond: round(ours.introspection.perSecond, 0), oursP99: ours.introspection.p99, oursCpuMs: round(ours.introspectionCpuMs, 3) },
        ratio: ours.introspection.perSecond / check.result.perSecond,
        ratioOf: 'our introspections/s ÷ their session checks/s',
        goal: 'reported; ≥ 1 means we are ahead',
        met: null,
        note: 'theirs reads the session row from PostgreSQL at every check (its default: no cookie cache); ours verifies the JWT and reads the session state through a cache of at most 0.5 s',
      },
    ]
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => { child.once('exit', resolve); setTimeout(resolve, 5000) })
    await postgres.stop()
  }
}
