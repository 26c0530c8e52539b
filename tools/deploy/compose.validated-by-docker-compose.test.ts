/**
 * docker/compose.yml checked by a real Compose implementation, Debian's `docker-compose` (CI
 * installs it): `config` validates and resolves the file without a Docker engine. Our own reader
 * (compose-file.ts) only sees what the deploy test asks of it; this catches what Compose refuses.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { composeSecrets, renderEnvFile } from './compose-env.ts'

const root = join(import.meta.dirname, '..', '..')
const composeFile = join(root, 'docker', 'compose.yml')
const run = promisify(execFile)

async function compose(args: string[], envFile: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('docker-compose', ['--env-file', envFile, '-f', composeFile, ...args], {
      cwd: root, timeout: 120_000, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
    })
    return { ok: true, stdout, stderr }
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string }
    if (failure.code === 'ENOENT') throw new Error('docker-compose not found: apt-get install docker-compose (.ci/run does)')
    return { ok: false, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' }
  }
}

interface Resolved { services: Record<string, { environment?: Record<string, string>; profiles?: string[] }> }

t.test('docker-compose accepts the file, with and without the redis profile', async (t) => {
  const envFile = join(t.testdir(), 'compose.env')
  const secrets = composeSecrets()
  writeFileSync(envFile, renderEnvFile({ COMPOSE_PROJECT_NAME: 'gatehouse', ...secrets }))
  const plain = await compose(['config'], envFile)
  t.ok(plain.ok, `docker-compose config: ${plain.stderr}`)
  const resolved = parse(plain.stdout) as Resolved
  t.same(Object.keys(resolved.services).sort(), ['dynamodb', 'gateway', 'identity', 'mail', 'redis', 'tables', 'token'])
  t.same(resolved.services['redis']?.profiles, ['redis'], 'redis only with its profile')
  t.equal(resolved.services['gateway']?.environment?.['INTERNAL_CLIENT_SECRET'], secrets['GATEHOUSE_GATEWAY_SECRET'], 'the secret is interpolated')
  t.same(JSON.parse(resolved.services['token']?.environment?.['SIGNING_KEYS'] ?? 'null'), JSON.parse(secrets['GATEHOUSE_SIGNING_KEYS'] ?? ''), 'the key set arrives as JSON, unmangled')
  const withRedis = await compose(['--profile', 'redis', 'config', '--services'], envFile)
  t.ok(withRedis.ok, withRedis.stderr)
  t.ok(withRedis.stdout.split('\n').includes('redis'))
})

t.test('without docker/.env, Compose refuses and says what to run', async (t) => {
  const envFile = join(t.testdir(), 'empty.env')
  writeFileSync(envFile, '')
  const result = await compose(['config', '-q'], envFile)
  t.notOk(result.ok)
  t.match(result.stderr, /run npm run compose-env first/)
})
