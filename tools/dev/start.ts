/**
 * `npm start`: the whole stack on one machine. DynamoDB Local (data on disk under data/), the
 * tables, development keys and secrets (made once), then identity, token and gateway as three
 * processes. Ctrl-C or SIGTERM stops everything; starting again keeps users and sessions.
 */
import { join, resolve } from 'node:path'
import { createDynamoClients, createTables } from '@gatehouse/dynamo'
import { provideDynamo, type RunningDynamo } from '@gatehouse/dynamo-local'
import { startStack, type Stack } from '@gatehouse/stack'
import { devSecrets, devSigningKeys } from './dev-state.ts'
import { metricsUrls, observabilityEnv } from './observability-env.ts'

const root = join(import.meta.dirname, '..', '..')
const env = process.env
const dataDir = resolve(root, env['GATEHOUSE_DATA_DIR'] ?? 'data')
const port = (name: string, fallback: number): number => Number(env[name] ?? fallback)

let dynamo: RunningDynamo | undefined
let stack: Stack | undefined
let stopping = false

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true
    process.stdout.write('\nstopping…\n')
    await stack?.stop().catch(() => undefined)
    await dynamo?.stop().catch(() => undefined)
  }
  process.exit(code)
}
process.once('SIGINT', () => void shutdown(0))
process.once('SIGTERM', () => void shutdown(0))

try {
  dynamo = await provideDynamo({ dataDir: join(dataDir, 'dynamodb'), port: port('DYNAMODB_LOCAL_PORT', 8000), preferContainer: false })
  process.stdout.write(`DynamoDB (${dynamo.kind}) at ${dynamo.endpoint}\n`)
  const prefix = env['TABLE_PREFIX'] ?? 'dev-'
  const clients = createDynamoClients({ endpoint: dynamo.endpoint })
  const tables = await createTables(clients.client, prefix)
  clients.destroy()
  process.stdout.write(`tables: ${tables.created.length} created, ${tables.existing.length} already there (prefix "${prefix}")\n`)
  const keys = devSigningKeys(join(dataDir, 'signing-keys.json'))
  const secrets = devSecrets(join(dataDir, 'dev-secrets.json'))
  if (keys.created) process.stdout.write(`generated development signing keys in ${join(dataDir, 'signing-keys.json')}\n`)

  const observability = observabilityEnv(env)
  stack = await startStack({
    dynamoEndpoint: dynamo.endpoint,
    tablePrefix: prefix,
    ports: { gateway: port('GATEWAY_PORT', 3000), identity: port('IDENTITY_PORT', 3001), token: port('TOKEN_PORT', 3002) },
    secrets: secrets.value,
    signingKeys: keys.value,
    bcryptCost: Number(env['BCRYPT_COST'] ?? 12),
    logLevel: env['LOG_LEVEL'] ?? 'info',
    // Plain HTTP on localhost: browsers drop Secure cookies there, so local use switches it off explicitly.
    env: {
      gateway: { ...observability.gateway, COOKIE_SECURE: 'false', CORS_ORIGINS: env['CORS_ORIGINS'] ?? 'http://localhost:5173' },
      identity: observability.identity,
      token: observability.token,
    },
  })
  const gateway = stack.urls.gateway
  const introspection = stack.secrets.introspection
  process.stdout.write(`
gatehouse is ready: ${gateway}   (OpenAPI: ${gateway}/docs)

Prometheus metrics (loopback only):
${metricsUrls(observability)}

Introspection client for local resource servers (POST ${stack.urls.token}/introspect):
  client_id=${introspection.id}  client_secret=${introspection.secret}

Try it:
  curl -s -X POST ${gateway}/auth/register -H 'content-type: application/json' -d '{"email":"ada@example.com","password":"correct horse battery"}'
  TOKEN=$(curl -s -c /tmp/gatehouse.cookies -X POST ${gateway}/auth/login -H 'content-type: application/json' \\
    -d '{"email":"ada@example.com","password":"correct horse battery"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')
  curl -s ${gateway}/auth/me -H "authorization: Bearer $TOKEN"

Ctrl-C stops everything; data stays in ${dataDir}.
`)
  const exited = await Promise.race(Object.values(stack.services).map(async (service) => ({ name: service.name, code: await service.exited })))
  if (!stopping) {
    process.stderr.write(`${exited.name} exited unexpectedly (code ${exited.code}); stopping the stack\n`)
    await shutdown(1)
  }
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`)
  await shutdown(1)
}
