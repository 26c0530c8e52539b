import { basicAuthorization } from '@gatehouse/platform'
import { httpLoad, round, throughputFigure, type Measurement } from '../load.ts'
import { cpuDuring, startBaseline } from '../processes.ts'
import type { BenchContext, Figure } from '../types.ts'
import { servicePids } from './cpu.ts'
import { loginLoad } from './login.ts'

/** RFC 7662 introspection as a resource server calls it, over the signed-in sessions' tokens. */
export function introspectionLoad(ctx: BenchContext, url: string, durationSec = ctx.durationSec): Promise<Measurement> {
  const { id, secret } = ctx.stack.secrets.introspection
  let next = 0
  return httpLoad({
    url: `${url}/introspect`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(id, secret) },
    connections: ctx.connections,
    durationSec,
    setupRequest: (request) => ({ ...request, body: `token=${ctx.sessions[next++ % ctx.sessions.length]?.accessToken ?? ''}` }),
  })
}

/**
 * The token service's /introspect against a bare Fastify route that only verifies the JWT, each in
 * its own process; the CPU figure divides each process's CPU (from /proc) by what it answered.
 */
export async function introspectionFigure(ctx: BenchContext): Promise<{ figure: Figure; cpu: Figure; alone: Measurement }> {
  const bare = await startBaseline('verify', {
    JWKS_URL: `${ctx.stack.urls.token}/.well-known/jwks.json`,
    JWT_ISSUER: ctx.stack.urls.gateway,
    JWT_AUDIENCE: 'gatehouse',
  })
  let baseline: Measurement
  let bareCpu: number
  try {
    ctx.log(`introspection: bare Fastify verifying the same JWT, ${ctx.connections} connections`)
    const measured = await cpuDuring({ bare: bare.child.pid as number }, () => introspectionLoad(ctx, bare.url))
    baseline = measured.result
    bareCpu = measured.cpu['bare'] as number
  } finally {
    await bare.stop()
  }
  ctx.log(`introspection: the token service's POST /introspect, ${ctx.connections} connections`)
  const { result: service, cpu } = await cpuDuring(servicePids(ctx, ['token']), () => introspectionLoad(ctx, ctx.stack.urls.token))
  const cpuUs = ((cpu['token'] as number) * 1000) / Math.max(1, service.ok)
  const bareUs = (bareCpu * 1000) / Math.max(1, baseline.ok)
  return {
    alone: service,
    cpu: {
      id: 'cpu-introspection',
      title: 'CPU per introspection (token service)',
      measured: { cpuUs: round(cpuUs, 1) },
      baseline: { cpuUs: round(bareUs, 1) },
      ratio: cpuUs / bareUs,
      ratioOf: 'token CPU ÷ bare route CPU, per answer',
      goal: '≤ 1.3× and ≤ 50 µs',
      met: cpuUs / bareUs <= 1.3 && cpuUs <= 50,
      note: `over ${service.ok} introspections and ${baseline.ok} bare verifications`,
    },
    figure: throughputFigure({
      id: 'introspection',
      title: 'introspection/s (token service, RS256)',
      service,
      baseline,
      ratioOf: 'introspections/s ÷ bare verify/s',
      goal: 'ratio ≥ 0.5 and ≥ 10,000/s on two cores',
      minRatio: 0.5,
      extra: service.perSecond >= 10_000,
    }),
  }
}

/** Introspection's tail while logins keep every core busy with bcrypt, against its tail alone. */
export async function contentionFigure(ctx: BenchContext, alone: Measurement): Promise<Figure> {
  ctx.log('contention: introspection while logins saturate the CPU')
  const [loaded, logins] = await Promise.all([introspectionLoad(ctx, ctx.stack.urls.token), loginLoad(ctx)])
  // Latencies are whole milliseconds (autocannon's histogram); a 0 ms tail counts as 1 ms.
  const ratio = Math.max(loaded.p99, 1) / Math.max(alone.p99, 1)
  return {
    id: 'contention',
    title: 'introspection p99 while logins saturate the CPU',
    measured: { p99: loaded.p99, p50: loaded.p50, perSecond: loaded.perSecond, loginsPerSecond: logins.perSecond },
    baseline: { p99: alone.p99, p50: alone.p50, perSecond: alone.perSecond },
    ratio,
    ratioOf: 'p99 under login load ÷ p99 alone',
    goal: '≤ 2×',
    met: ratio <= 2,
  }
}
