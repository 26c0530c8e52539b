/**
 * `npm start`: the whole stack on one machine. DynamoDB Local (data on disk under data/), the
 * tables, development keys and secrets (made once), then identity, token and gateway as three
 * processes. Ctrl-C or SIGTERM stops everything; starting again keeps users and sessions.
 * Every variable of a service's configuration reference, from the environment or an optional
 * `.env` at the root (the environment wins), reaches that service and no other.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createDynamoClients, createTables } from '@gatehouse/dynamo'
import { provideDynamo, type RunningDynamo } from '@gatehouse/dynamo-local'
import { localEnv, pagesUrl, serviceVariables, startStack, type ServiceName, type Stack } from '@gatehouse/stack'
import { readDotEnv, serviceEnv } from './dev-env.ts'
import { buildWeb } from '../build/web.ts'
import { devSecrets, devSigningKeys } from './dev-state.ts'
import { metricsUrls, observabilityEnv } from './observability-env.ts'
import { startMailCatcher, type MailCatcher } from './mail-catcher.ts'

const root = join(import.meta.dirname, '..', '..')
const env: Record<string, string | undefined> = { ...readDotEnv(join(root, '.env')), ...process.env }
const dataDir = resolve(root, env['GATEHOUSE_DATA_DIR'] ?? 'data')
const port = (name: string, fallback: number): number => Number(env[name] ?? fallback)

let dynamo: RunningDynamo | undefined
let stack: Stack | undefined
let catcher: MailCatcher | undefined
let stopping = false

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true
    process.stdout.write('\nstopping…\n')
    await stack?.stop().catch(() => undefined)
    await dynamo?.stop().catch(() => undefined)
    await catcher?.stop().catch(() => undefined)
  }
  process.exit(code)
}
process.once('SIGINT', () => void shutdown(0))
process.once('SIGTERM', () => void shutdown(0))

/** Each service's own variables from `env`, over the local defaults below. */
async function passThrough(): Promise<Record<ServiceName, Record<string, string>>> {
  const names = ['identity', 'token', 'gateway'] as const
  const passed = await Promise.all(names.map(async (name) => ({ name, ...serviceEnv(await serviceVariables(name), env) })))
  const ignored = [...new Set(passed.flatMap((one) => one.ignored))]
  if (ignored.length > 0) process.stdout.write(`npm start sets ${ignored.join(', ')} itself; ignoring the value given\n`)
  return Object.fromEntries(passed.map((one) => [one.name, one.env])) as Record<ServiceName, Record<string, string>>
}

try {
  const passing = passThrough()
  passing.catch(() => undefined)
  const explicitDynamo = env['DYNAMODB_ENDPOINT'] || env['AWS_ENDPOINT_URL_DYNAMODB']
  dynamo = await provideDynamo({
    env: explicitDynamo === undefined ? {} : { DYNAMODB_ENDPOINT: explicitDynamo },
    dataDir: join(dataDir, 'dynamodb'),
    port: port('DYNAMODB_LOCAL_PORT', 8000),
    preferContainer: false,
  })
  process.stdout.write(`DynamoDB (${dynamo.kind}) at ${dynamo.endpoint}\n`)
  const prefix = env['TABLE_PREFIX'] ?? 'dev-'
  const clients = createDynamoClients({ endpoint: dynamo.endpoint })
  const tables = await createTables(clients.client, prefix)
  clients.destroy()
  process.stdout.write(`tables: ${tables.created.length} created, ${tables.existing.length} already there (prefix "${prefix}")\n`)
  const keys = devSigningKeys(join(dataDir, 'signing-keys.json'))
  const secrets = devSecrets(join(dataDir, 'dev-secrets.json'))
  if (keys.created) process.stdout.write(`generated development signing keys in ${join(dataDir, 'signing-keys.json')}\n`)

  const passed = await passing
  const observability = observabilityEnv(env)
  // SMTP_URL set: mail goes to that server and no catcher starts.
  const smtpUrl = env['SMTP_URL'] ?? (catcher = await startMailCatcher({
    smtpPort: port('MAIL_SMTP_PORT', 1025),
    webPort: port('MAIL_WEB_PORT', 1080),
    log: (line) => process.stderr.write(`${line}\n`),
  })).smtpUrl
  const gatewayPort = port('GATEWAY_PORT', 3000)
  const local = localEnv({ gatewayPort, corsOrigins: 'http://localhost:5173' })
  // The hosted pages, built once (under a second) if `npm run build` has not made them yet.
  if (!existsSync(join(root, 'dist', 'apps', 'web', 'sign-in.html'))) {
    await buildWeb(join(root, 'dist', 'apps', 'web'))
    process.stdout.write('built the hosted pages into dist/apps/web\n')
  }
  stack = await startStack({
    smtpUrl,
    dynamoEndpoint: dynamo.endpoint,
    tablePrefix: prefix,
    ports: { gateway: gatewayPort, identity: port('IDENTITY_PORT', 3001), token: port('TOKEN_PORT', 3002) },
    secrets: secrets.value,
    signingKeys: keys.value,
    bcryptCost: Number(env['BCRYPT_COST'] ?? 12),
    logLevel: env['LOG_LEVEL'] ?? 'info',
    prettyLogs: true,
    env: {
      identity: { ...local.identity, ...passed.identity, ...observability.identity },
      token: { ...passed.token, ...observability.token },
      gateway: { ...local.gateway, ...passed.gateway, ...observability.gateway },
    },
  })
  const gateway = stack.urls.gateway
  const introspection = stack.secrets.introspection
  process.stdout.write(`
gatehouse is ready: ${gateway}   (OpenAPI: ${gateway}/docs)
${catcher === undefined ? `Mail goes to SMTP_URL (${smtpUrl.replace(/\/\/[^@/]*@/, '//')})` : `Mail catcher: ${catcher.webUrl}   (every mail gatehouse sends lands here)`}

Prometheus metrics (loopback only):
${metricsUrls(observability)}
Hosted pages: ${pagesUrl(gatewayPort)}/sign-in   (at localhost, not 127.0.0.1: passkeys need a host name)

Introspection client for local resource servers (POST ${stack.urls.token}/introspect):
  client_id=${introspection.id}  client_secret=${introspection.secret}

Admin API (support and abuse handling; npm run admin -- help):
  export GATEHOUSE_ADMIN_IDENTITY_URL=${stack.urls.identity} GATEHOUSE_ADMIN_TOKEN_URL=${stack.urls.token}
  export GATEHOUSE_ADMIN_CLIENT_ID=${stack.secrets.admin.id} GATEHOUSE_ADMIN_CLIENT_SECRET=${stack.secrets.admin.secret}

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
