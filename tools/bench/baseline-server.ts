/**
 * The baselines the services are measured against, as a process of its own like theirs:
 * - BENCH_MODE=bare: a bare Fastify app with a readiness route (start-up time);
 * - BENCH_MODE=verify: plus POST /introspect that verifies the same JWT with the same algorithm
 *   and keys (the token service's JWKS) and nothing else: no client auth, no session check.
 */
import { createPublicKey } from 'node:crypto'
import Fastify from 'fastify'
import formBody from '@fastify/formbody'
import { verifyJwt, type SigningAlg, type VerificationKey } from '@gatehouse/crypto'

const env = process.env
const app = Fastify({ logger: false })
app.get('/health/ready', async () => ({ status: 'ok' }))

if (env['BENCH_MODE'] === 'verify') {
  const response = await fetch(env['JWKS_URL'] as string)
  const jwks = (await response.json()) as { keys: Array<{ kid: string; alg: SigningAlg } & Record<string, unknown>> }
  const keys = new Map<string, VerificationKey>(jwks.keys.map((jwk) => [jwk.kid, { kid: jwk.kid, alg: jwk.alg, publicKey: createPublicKey({ key: jwk, format: 'jwk' }) }]))
  const options = { keys, issuer: env['JWT_ISSUER'] as string, audience: env['JWT_AUDIENCE'] as string, typ: 'at+jwt' }
  await app.register(formBody)
  app.post('/introspect', async (request) => {
    const result = verifyJwt((request.body as { token?: unknown }).token, options)
    return result.ok ? { active: true, ...result.payload } : { active: false }
  })
}

await app.listen({ host: '127.0.0.1', port: Number(env['PORT']) })
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)))
