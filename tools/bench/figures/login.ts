import bcrypt from 'bcrypt'
import { httpLoad, loop, throughputFigure, type Measurement } from '../load.ts'
import type { BenchContext, Figure } from '../types.ts'

/** The gateway's login load, alone or beside another load (the contention figure). */
export function loginLoad(ctx: BenchContext, durationSec = ctx.durationSec): Promise<Measurement> {
  let next = 0
  return httpLoad({
    url: `${ctx.stack.urls.gateway}/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: ctx.loginConnections,
    durationSec,
    // Round robin over the seeded users, as many people signing in would.
    setupRequest: (request) => ({
      ...request,
      body: JSON.stringify({ email: ctx.emails[next++ % ctx.emails.length], password: ctx.password }),
    }),
  })
}

/**
 * Login is bounded by bcrypt by design: the goal is that everything around the compare (HTTP,
 * validation, the GSI lookup, token issue, the session write) costs little next to it.
 */
export async function loginFigure(ctx: BenchContext): Promise<Figure> {
  const hash = await bcrypt.hash(ctx.password, ctx.cost)
  ctx.log(`login: raw bcrypt.compare at cost ${ctx.cost}, ${ctx.loginConnections} at a time`)
  const raw = await loop(async () => {
    if (!(await bcrypt.compare(ctx.password, hash))) throw new Error('compare failed')
  }, ctx.loginConnections, ctx.durationSec)
  ctx.log(`login: POST /auth/login through the gateway, ${ctx.loginConnections} connections`)
  const service = await loginLoad(ctx)
  return throughputFigure({
    id: 'login',
    title: `login/s through the gateway (bcrypt cost ${ctx.cost})`,
    service,
    baseline: raw,
    ratioOf: 'login/s ÷ raw bcrypt.compare/s',
    goal: 'ratio ≥ 0.85',
    minRatio: 0.85,
  })
}
