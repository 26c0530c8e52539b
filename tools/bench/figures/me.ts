import { Pool } from 'undici'
import { basicAuthorization } from '@gatehouse/platform'
import { loop, round } from '../load.ts'
import type { BenchContext, Figure } from '../types.ts'

/** One request at a time: the added p50 is then the hop's own cost, not queueing on two cores. */
const CONCURRENCY = 1

async function call(pool: Pool, options: Parameters<Pool['request']>[0]): Promise<unknown> {
  const response = await pool.request(options)
  const body = await response.body.json()
  if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`)
  return body
}

/**
 * GET /auth/me through the gateway against the same two calls made straight to the services
 * (introspect, then the user), with one client (undici, keep-alive) for both so only the
 * gateway's hop differs.
 */
export async function meFigure(ctx: BenchContext): Promise<Figure> {
  const gateway = new Pool(ctx.stack.urls.gateway, { connections: CONCURRENCY })
  const token = new Pool(ctx.stack.urls.token, { connections: CONCURRENCY })
  const identity = new Pool(ctx.stack.urls.identity, { connections: CONCURRENCY })
  const authorization = basicAuthorization(ctx.stack.secrets.gateway.id, ctx.stack.secrets.gateway.secret)
  const session = (worker: number): BenchContext['sessions'][number] => ctx.sessions[worker % ctx.sessions.length] as BenchContext['sessions'][number]
  try {
    ctx.log(`me: introspect + GET user straight to the services, one at a time`)
    const direct = await loop(async (worker) => {
      const introspection = (await call(token, {
        method: 'POST',
        path: '/introspect',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${session(worker).accessToken}`,
      })) as { active: boolean; sub: string }
      if (!introspection.active) throw new Error('inactive')
      await call(identity, { method: 'GET', path: `/v1/users/${encodeURIComponent(introspection.sub)}`, headers: { authorization } })
    }, CONCURRENCY, ctx.durationSec)
    ctx.log(`me: GET /auth/me through the gateway, one at a time`)
    const through = await loop(async (worker) => {
      await call(gateway, { method: 'GET', path: '/auth/me', headers: { authorization: `Bearer ${session(worker).accessToken}` } })
    }, CONCURRENCY, ctx.durationSec)
    const added = round(through.p50 - direct.p50, 3)
    return {
      id: 'me',
      title: 'authenticated GET /auth/me through the gateway (one client)',
      measured: { perSecond: through.perSecond, p50: through.p50, p99: through.p99, failed: through.failed },
      baseline: { perSecond: direct.perSecond, p50: direct.p50, p99: direct.p99, failed: direct.failed },
      ratio: added,
      ratioOf: 'added p50, ms',
      goal: 'added p50 ≤ 1 ms',
      met: added <= 1 && through.ok > 0,
    }
  } finally {
    await Promise.all([gateway.close(), token.close(), identity.close()])
  }
}
