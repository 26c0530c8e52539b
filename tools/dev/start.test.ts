/**
 * `npm start` as a user runs it: ready banner, clean stop on SIGTERM with nothing left listening,
 * and a clear non-zero exit (never a hang) when a port is taken or Java is missing.
 */
import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { freePort, portInUse } from '@gatehouse/dynamo-local'

const root = join(import.meta.dirname, '..', '..')
const endpoint = process.env['DYNAMODB_ENDPOINT']

interface Run {
  output: () => string
  exited: Promise<number | null>
  kill: (signal: NodeJS.Signals) => void
}

function start(t: Test, env: Record<string, string>): Run {
  const dataDir = t.testdir()
  const child = spawn(process.execPath, [join(root, 'tools', 'dev', 'start.ts')], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', GATEHOUSE_DATA_DIR: dataDir, BCRYPT_COST: '4', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(() => { child.kill('SIGKILL') })
  return { output: () => output, exited, kill: (signal) => child.kill(signal) }
}

async function ready(run: Run): Promise<void> {
  const deadline = Date.now() + 90_000
  while (!run.output().includes('gatehouse is ready') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function ports(): Promise<{ GATEWAY_PORT: string; IDENTITY_PORT: string; TOKEN_PORT: string; MAIL_SMTP_PORT: string; MAIL_WEB_PORT: string }> {
  return {
    GATEWAY_PORT: String(await freePort()),
    IDENTITY_PORT: String(await freePort()),
    TOKEN_PORT: String(await freePort()),
    MAIL_SMTP_PORT: String(await freePort()),
    MAIL_WEB_PORT: String(await freePort()),
  }
}

t.test('starts, prints the gateway URL and a curl example, and stops cleanly on SIGTERM', async (t) => {
  const env = { ...(await ports()), DYNAMODB_ENDPOINT: endpoint ?? '', TABLE_PREFIX: `start-${Date.now()}-` }
  const run = start(t, env)
  await ready(run)
  t.match(run.output(), `gatehouse is ready: http://127.0.0.1:${env.GATEWAY_PORT}`)
  t.match(run.output(), `Mail catcher: http://127.0.0.1:${env.MAIL_WEB_PORT}`, 'the catcher\'s UI is printed beside the gateway')
  t.match(run.output(), /client_id=resource-server\s+client_secret=\S+/)
  t.match(run.output(), /curl -s .*\/auth\/register/)
  const me = await fetch(`http://127.0.0.1:${env.GATEWAY_PORT}/health/ready`)
  t.equal(me.status, 200)
  run.kill('SIGTERM')
  t.equal(await run.exited, 0)
  for (const port of [env.GATEWAY_PORT, env.IDENTITY_PORT, env.TOKEN_PORT, env.MAIL_SMTP_PORT, env.MAIL_WEB_PORT]) t.notOk(await portInUse(Number(port)), `port ${port} released`)
})

t.test('a documented variable reaches its service: RATE_LIMIT_REGISTER_PER_IP=2 refuses the third sign-up', async (t) => {
  const env = { ...(await ports()), DYNAMODB_ENDPOINT: endpoint ?? '', TABLE_PREFIX: `start-${Date.now()}-`, RATE_LIMIT_REGISTER_PER_IP: '2' }
  const run = start(t, env)
  await ready(run)
  const register = (n: number) => fetch(`http://127.0.0.1:${env.GATEWAY_PORT}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `limit-${n}@example.com`, password: 'correct horse battery staple' }),
  })
  t.equal((await register(1)).status, 201)
  t.equal((await register(2)).status, 201)
  const third = await register(3)
  t.equal(third.status, 429, 'the third sign-up from one address is refused')
  t.equal((await third.json() as { error: { code: string } }).error.code, 'RATE_LIMITED')
  run.kill('SIGTERM')
  t.equal(await run.exited, 0)
})

t.test('a port already in use stops it with a message naming the port', async (t) => {
  const env = { ...(await ports()), DYNAMODB_ENDPOINT: endpoint ?? '', TABLE_PREFIX: `start-${Date.now()}-` }
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(Number(env.IDENTITY_PORT), '127.0.0.1', resolve))
  t.teardown(() => blocker.close())
  const run = start(t, env)
  t.equal(await run.exited, 1)
  t.match(run.output(), `port ${env.IDENTITY_PORT} (identity) is already in use`)
})

t.test('a missing Java stops it with a message saying what to install', async (t) => {
  const run = start(t, { ...(await ports()), PATH: '/nonexistent', DYNAMODB_LOCAL_PORT: String(await freePort()) })
  t.equal(await run.exited, 1)
  t.match(run.output(), /Java was not found.*openjdk-17-jre-headless/s)
})
