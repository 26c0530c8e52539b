import { startRequestWatch, type RequestWatchStats } from '@gatehouse/dynamo-local'
import { serviceCommand } from '@gatehouse/stack'
import { REFRESH_COOKIE, refreshFromSetCookie, signIn } from '../fixtures.ts'
import { processEnv, spawnUntilReady, type Spawned } from '../processes.ts'
import type { BenchContext, Figure } from '../types.ts'

const perOp = (count: number, operations: number): number => Math.round((count / operations) * 100) / 100

/** Requests per operation, and "identity: GetItem 2, Query 1; token: TransactWriteItems 1", most first. */
function breakdown(watches: Record<string, RequestWatchStats>, operations: number): { total: number; text: string } {
  let total = 0
  const parts: string[] = []
  for (const [service, stats] of Object.entries(watches)) {
    const rows = [...stats.count.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    total += rows.reduce((sum, [, count]) => sum + count, 0)
    parts.push(`${service}: ${rows.length === 0 ? 'none' : rows.map(([name, count]) => `${name} ${perOp(count, operations)}`).join(', ')}`)
  }
  return { total: perOp(total, operations), text: parts.join('; ') }
}

async function refresh(gateway: string, refreshToken: string): Promise<string> {
  const response = await fetch(`${gateway}/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `${REFRESH_COOKIE}=${refreshToken}` },
    body: '{}',
    signal: AbortSignal.timeout(30_000),
  })
  await response.arrayBuffer()
  const successor = refreshFromSetCookie(response.headers.getSetCookie())
  if (response.status !== 200 || successor === undefined) throw new Error(`bench refresh failed: ${response.status}`)
  return successor
}

/**
 * DynamoDB requests per sign-in and per refresh, counted. A second identity and token (the running
 * ones' exact configuration) talk to DynamoDB through a counting pass-through proxy
 * (libs/dynamo-local's request watch), behind a second gateway; the throughput figures never pay
 * that hop. One operation at a time, after a warm-up, as a browser with no device cookie signs in
 * (so each sign-in also queues a new-device notice).
 */
export async function dynamoRequestFigures(ctx: BenchContext): Promise<Figure[]> {
  // One watch per service, so the note says whose requests they are.
  const watches = { identity: await startRequestWatch(ctx.dynamo.endpoint), token: await startRequestWatch(ctx.dynamo.endpoint) }
  const stats = { identity: watches.identity.stats, token: watches.token.stats }
  const reset = (): void => { stats.identity.reset(); stats.token.reset() }
  const started: Spawned[] = []
  const copy = async (name: 'identity' | 'token' | 'gateway', extra: Record<string, string>): Promise<Spawned> => {
    const env = { ...processEnv(ctx.stack.services[name]?.child.pid as number), ...extra }
    const spawned = await spawnUntilReady(serviceCommand(name, ctx.fromDist), env)
    started.push(spawned)
    return spawned
  }
  try {
    const [identity, token] = await Promise.all([copy('identity', { DYNAMODB_ENDPOINT: watches.identity.url }), copy('token', { DYNAMODB_ENDPOINT: watches.token.url })])
    const gateway = await copy('gateway', { IDENTITY_URL: identity.url, TOKEN_URL: token.url })
    const stack = { ...ctx.stack, urls: { ...ctx.stack.urls, gateway: gateway.url } }
    const count = ctx.reps > 1 ? 20 : 4
    const emails = ctx.emails.slice(0, count + 2)
    // Warm-up: the first calls fill caches (signing keys, session state) that every later one
    // reuses. Each measured user signs in once first, uncounted: an account's first sign-in also
    // clears its first-sign-in mark and starts its session count, once in its life.
    for (const session of await signIn(stack, emails.slice(0, 2), ctx.password, 1)) await refresh(gateway.url, session.refreshToken)
    await signIn(stack, emails.slice(2), ctx.password, 1)
    ctx.log(`dynamo requests: ${count} sign-ins (each user's second, from a new device), then ${count} refreshes, one at a time, counted`)
    reset()
    const retried = { count: 0 }
    const sessions = await signIn(stack, emails.slice(2), ctx.password, 1, retried)
    // A sign-in turned away (503) and tried again is counted as the two attempts it was.
    const signIns = breakdown(stats, sessions.length + retried.count)
    reset()
    for (const session of sessions) await refresh(gateway.url, session.refreshToken)
    const refreshes = breakdown(stats, sessions.length)
    return [
      {
        id: 'dynamo-sign-in',
        title: 'DynamoDB requests per sign-in (identity + token, counted)',
        measured: { requests: signIns.total },
        goal: '≤ 3',
        met: signIns.total <= 3,
        note: `per sign-in: ${signIns.text}${retried.count === 0 ? '' : ` (${retried.count} of ${sessions.length + retried.count} attempts were a 503, counted as attempts)`}`,
      },
      {
        id: 'dynamo-refresh',
        title: 'DynamoDB requests per refresh (identity + token, counted)',
        measured: { requests: refreshes.total },
        goal: '≤ 2',
        met: refreshes.total <= 2,
        note: `per refresh: ${refreshes.text}`,
      },
    ]
  } finally {
    await Promise.all(started.map((spawned) => spawned.stop()))
    await Promise.all([watches.identity.close(), watches.token.close()])
  }
}
