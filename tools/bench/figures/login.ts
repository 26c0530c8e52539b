import bcrypt from 'bcrypt'
import { httpLoad, loop, round, throughputFigure, type Measurement } from '../load.ts'
import { cpuDuring, ownCpuDuring } from '../processes.ts'
import type { BenchContext, Figure } from '../types.ts'
import { servicePids } from './cpu.ts'

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
 * validation, the GSI lookup, token issue, the session write) costs little next to it. The same
 * loads give the CPU figure: our three processes' CPU (from /proc) per sign-in, less what one
 * raw compare at the same cost costs this process (process.cpuUsage over the baseline's compares).
 */
export async function loginFigure(ctx: BenchContext): Promise<{ figure: Figure; cpu: Figure; service: Measurement }> {
  const hash = await bcrypt.hash(ctx.password, ctx.cost)
  ctx.log(`login: raw bcrypt.compare at cost ${ctx.cost}, ${ctx.loginConnections} at a time`)
  const raw = await ownCpuDuring(() => loop(async () => {
    if (!(await bcrypt.compare(ctx.password, hash))) throw new Error('compare failed')
  }, ctx.loginConnections, ctx.durationSec))
  ctx.log(`login: POST /auth/login through the gateway, ${ctx.loginConnections} connections`)
  const { result: service, cpu } = await cpuDuring(servicePids(ctx, ['gateway', 'identity', 'token']), () => loginLoad(ctx))
  const compareMs = raw.cpuMs / Math.max(1, raw.result.ok + raw.result.failed)
  const per = (name: string): number => (cpu[name] as number) / Math.max(1, service.ok)
  const ours = per('gateway') + per('identity') + per('token')
  const outside = ours - compareMs
  return {
    service,
    figure: throughputFigure({
      id: 'login',
      title: `login/s through the gateway (bcrypt cost ${ctx.cost})`,
      service,
      baseline: raw.result,
      ratioOf: 'login/s ÷ raw bcrypt.compare/s',
      goal: 'ratio ≥ 0.85',
      minRatio: 0.85,
    }),
    cpu: {
      id: 'cpu-sign-in',
      title: `CPU per sign-in outside bcrypt (gateway + identity + token, cost ${ctx.cost})`,
      measured: { outsideMs: round(outside, 3), gatewayMs: round(per('gateway'), 3), identityMs: round(per('identity'), 3), tokenMs: round(per('token'), 3) },
      baseline: { compareMs: round(compareMs, 3) },
      ratio: outside / compareMs,
      ratioOf: 'CPU outside bcrypt ÷ one raw compare',
      goal: '≤ 0.05 (5 %)',
      met: outside / compareMs <= 0.05,
      note: `over ${service.ok} sign-ins${service.failed === 0 ? '' : ` (${service.failed} more answered otherwise, their CPU counted in)`} and ${raw.result.ok} raw compares; identity's share includes its compare`,
    },
  }
}
