/**
 * better-auth, as a TypeScript team would run it: email and password, its password hashing set to
 * bcrypt at the benchmark's cost, PostgreSQL through `pg`, its own Node HTTP handler. Started by the
 * benchmark (tools/bench/figures/peer.ts) with PEER_DATABASE_URL, PEER_PORT and BCRYPT_COST; prints
 * `ready` once its tables exist and it listens. Rate limiting and telemetry off (one client by design).
 * Its dependencies live in tools/bench/peer/node_modules (npm run bench:peer-install); bcrypt comes
 * from the workspace, the same build gatehouse uses.
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import bcrypt from 'bcrypt'
import pg from 'pg'
import { betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import { toNodeHandler } from 'better-auth/node'

const port = Number(process.env['PEER_PORT'])
const cost = Number(process.env['BCRYPT_COST'] ?? '10')
const pool = new pg.Pool({ connectionString: process.env['PEER_DATABASE_URL'], max: 16 })

const auth = betterAuth({
  database: pool,
  baseURL: `http://127.0.0.1:${port}`,
  secret: randomBytes(32).toString('hex'),
  emailAndPassword: {
    enabled: true,
    password: {
      hash: (password: string) => bcrypt.hash(password, cost),
      verify: ({ hash, password }: { hash: string; password: string }) => bcrypt.compare(password, hash),
    },
  },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
})

const { runMigrations } = await getMigrations(auth.options)
await runMigrations()
const server = createServer(toNodeHandler(auth))
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'))
const stop = () => server.close(() => void pool.end().then(() => process.exit(0)))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
