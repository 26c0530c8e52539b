/**
 * The container build, checked without a Docker engine: after the build, everything the
 * Dockerfiles COPY and compose names exists and is in the build context; the images follow the
 * rules (Node 24 slim, multi-stage, production deps, non-root, health check, SIGTERM); and each
 * artifact, started with its container's command and only the environment compose gives it (the
 * DynamoDB endpoint, service URLs, ports and table prefix pointed at this test), becomes ready.
 */
import t from 'tap'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { TABLES, createDynamoClients, describeTable } from '@gatehouse/dynamo'
import { freePort } from '@gatehouse/dynamo-local'
import { serviceCommand, startServiceProcess, type ServiceName, type ServiceProcess } from '@gatehouse/stack'
import { APPS, buildDeployArtifacts } from '../build/artifacts.ts'
import { composeSecrets } from './compose-env.ts'
import { parseCompose, referencedVariables, serviceEnvironment } from './compose-file.ts'
import { contextSources, execForm, isIgnored, parseDockerfile, stageArgs, substitute, type Stage } from './dockerfile.ts'

const root = join(import.meta.dirname, '..', '..')
const dockerDir = join(root, 'docker')
const read = (path: string): string => readFileSync(path, 'utf8')
const composeSource = read(join(dockerDir, 'compose.yml'))
const compose = parseCompose(composeSource)
const dockerignore = read(join(root, '.dockerignore'))
const secrets = composeSecrets()

await buildDeployArtifacts()

const built = Object.entries(compose.services).filter(([, service]) => service.build !== undefined)
const finalStage = (dockerfilePath: string): Stage => parseDockerfile(read(dockerfilePath)).stages.at(-1)!
const dockerfileOf = (name: string): string => {
  const build = compose.services[name]!.build!
  return resolve(dockerDir, build.context, build.dockerfile ?? 'Dockerfile')
}
const last = (stage: Stage, keyword: string): string | undefined => stage.instructions.filter((instruction) => instruction.keyword === keyword).at(-1)?.args

t.test('compose: the services, the pinned DynamoDB Local, and only the gateway (and the mail catcher UI) published', async (t) => {
  t.same(Object.keys(compose.services).sort(), ['dynamodb', 'gateway', 'identity', 'mail', 'redis', 'tables', 'token'])
  t.equal(compose.services['dynamodb']!.image, 'amazon/dynamodb-local:3.3.1')
  for (const [name, service] of Object.entries(compose.services)) {
    const published = name === 'gateway' || name === 'mail'
    t.equal(service.ports !== undefined, published, `${name} ${published ? 'publishes' : 'publishes no'} port`)
  }
  t.same(compose.services['mail']!.ports, ['127.0.0.1:1080:1080'], 'the catcher UI on loopback only')
  t.same(compose.services['gateway']!.ports, ['127.0.0.1:3000:3000'])
  t.same(compose.services['redis']!.profiles, ['redis'], 'Redis only with --profile redis')
  t.equal(compose.services['gateway']!.depends_on?.['redis'], undefined, 'the gateway starts without the redis profile (its client reconnects)')
  for (const name of ['identity', 'token']) {
    t.equal(compose.services[name]!.depends_on?.['tables']?.condition, 'service_completed_successfully', `${name} waits for the tables`)
    t.equal(compose.services['gateway']!.depends_on?.[name]?.condition, 'service_healthy', `gateway waits for a healthy ${name}`)
  }
  for (const { name, required } of referencedVariables(composeSource)) {
    if (required) t.ok(name in secrets, `${name} is written by compose-env.ts`)
  }
})

t.test('every path a Dockerfile COPYs or compose names exists after the build and is in the context', async (t) => {
  for (const [name, service] of built) {
    const build = service.build!
    const context = resolve(dockerDir, build.context)
    t.ok(existsSync(context), `${name}: build context ${build.context}`)
    const dockerfilePath = dockerfileOf(name)
    t.ok(existsSync(dockerfilePath), `${name}: ${relative(root, dockerfilePath)}`)
    const dockerfile = parseDockerfile(read(dockerfilePath))
    for (const stage of dockerfile.stages) {
      const args = { ...dockerfile.globalArgs, ...stageArgs(stage, build.args ?? {}) }
      for (const source of contextSources(stage, args)) {
        t.notMatch(source, /\$/, `${name}: ${source} has every ARG set`)
        t.ok(existsSync(join(context, source)), `${name}: ${source} exists`)
        t.notOk(isIgnored(dockerignore, source), `${name}: ${source} is not excluded by .dockerignore`)
      }
    }
  }
  t.ok(isIgnored(dockerignore, 'docker/.env'), 'the compose secrets never enter the build context')
  t.ok(isIgnored(dockerignore, 'apps/gateway/src/main.ts'), 'nor the sources')
})

t.test('images: Node 24 slim, multi-stage, production deps only, non-root, health check, SIGTERM', async (t) => {
  for (const app of APPS) {
    const build = compose.services[app]!.build!
    t.same(build.args?.['APP'], app)
    t.equal(String(build.args?.['PORT']), String(compose.services[app]!.environment?.['PORT']), `${app}: image and compose agree on the port`)
  }
  for (const dockerfilePath of new Set(built.map(([name]) => dockerfileOf(name)))) {
    const label = relative(root, dockerfilePath)
    const dockerfile = parseDockerfile(read(dockerfilePath))
    for (const stage of dockerfile.stages) {
      if (dockerfile.stages.some((other) => other.name === stage.from)) continue
      t.match(substitute(stage.from, dockerfile.globalArgs), /^node:24(\.[0-9.]+)?-(bookworm-)?slim$/, `${label}: ${stage.from} is Node 24 slim`)
    }
    const runtime = dockerfile.stages.at(-1)!
    const user = last(runtime, 'USER')
    t.ok(user !== undefined && !/^(root|0)(:|$)/.test(user), `${label}: runs as ${user}, not root`)
    const runs = dockerfile.stages.flatMap((stage) => stage.instructions.filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.args))
    for (const run of runs.filter((command) => /npm (install|ci)/.test(command))) t.match(run, /--omit=dev/, `${label}: production dependencies only`)
  }
  const service = finalStage(dockerfileOf('gateway'))
  t.ok(parseDockerfile(read(dockerfileOf('gateway'))).stages.length >= 2, 'multi-stage')
  t.match(last(service, 'HEALTHCHECK'), /\/health\/live'/, 'HEALTHCHECK asks /health/live: a DynamoDB blip must not get healthy tasks killed')
  t.equal(last(service, 'STOPSIGNAL'), 'SIGTERM')
  t.same(execForm(last(service, 'CMD')!), ['node', 'main.mjs'])
  t.equal(last(service, 'WORKDIR'), '/app')
  t.same(execForm(last(finalStage(dockerfileOf('tables')), 'CMD')!), ['node', 'tables.mjs'])
})

t.test('each artifact, started as its container starts it with the compose environment, becomes ready', async (t) => {
  const endpoint = process.env['DYNAMODB_ENDPOINT']
  if (endpoint === undefined) throw new Error('run through tools/test/run.ts: DYNAMODB_ENDPOINT is not set')
  const prefix = `docker-${randomBytes(4).toString('hex')}-`
  const dynamo = { DYNAMODB_ENDPOINT: endpoint, TABLE_PREFIX: prefix }

  // The tables job first, as compose orders it: `node tables.mjs` in its image's WORKDIR.
  const jobEnv = { PATH: process.env['PATH'] ?? '', ...serviceEnvironment(compose.services['tables']!, secrets), ...dynamo }
  const job = spawn(process.execPath, ['tables.mjs'], { cwd: join(root, 'dist', 'tools', 'tables'), env: jobEnv, stdio: ['ignore', 'pipe', 'inherit'] })
  let jobOutput = ''
  job.stdout.on('data', (chunk: Buffer) => { jobOutput += chunk.toString() })
  t.equal(await new Promise((done) => job.once('exit', done)), 0, 'the table job exits 0')
  t.equal(jobOutput.match(/^created/gm)?.length, TABLES.length, 'and created every table')
  const clients = createDynamoClients({ endpoint, region: 'local' })
  t.teardown(() => clients.destroy())
  for (const table of TABLES) t.equal((await describeTable(clients.client, `${prefix}${table.name}`)).table?.TableStatus, 'ACTIVE')

  const running: ServiceProcess[] = []
  t.teardown(() => Promise.all(running.map((service) => service.stop())))
  const urls: Partial<Record<ServiceName, string>> = {}
  const logs: string[] = []
  for (const app of APPS) {
    const runtime = finalStage(dockerfileOf(app))
    t.equal(serviceCommand(app, true).join(' '), join(root, 'dist', 'apps', app, execForm(last(runtime, 'CMD')!)[1]!), `${app}: the image's command`)
    const port = await freePort()
    // The image's own ENV (PORT, NODE_OPTIONS), then compose's environment, then our endpoints.
    const imageEnv = Object.fromEntries(substitute(last(runtime, 'ENV')!, stageArgs(runtime, compose.services[app]!.build!.args ?? {}))
      .split(/\s+/).map((pair) => pair.split('=') as [string, string]))
    const env = {
      ...imageEnv,
      ...serviceEnvironment(compose.services[app]!, secrets),
      ...(app === 'gateway' ? { IDENTITY_URL: urls.identity!, TOKEN_URL: urls.token! } : dynamo),
      PORT: String(port),
    }
    const service = await startServiceProcess({ name: app, env, port, fromDist: true, log: (line) => logs.push(line) })
    running.push(service)
    urls[app] = service.url

    // The image's HEALTHCHECK command itself, run as Docker would run it inside the container.
    const [command, ...args] = execForm(last(runtime, 'HEALTHCHECK')!.replace(/^.*?CMD\s+/, ''))
    t.equal(command, 'node')
    const check = spawn(process.execPath, args, { env: { PATH: process.env['PATH'] ?? '', PORT: String(port) }, stdio: 'ignore' })
    t.equal(await new Promise((done) => check.once('exit', done)), 0, `${app}: HEALTHCHECK passes`)
  }
  t.notMatch(logs.join('\n'), new RegExp(secrets['GATEHOUSE_GATEWAY_SECRET']!), 'no secret in any log line')
  // SIGTERM (the image's STOPSIGNAL) ends each service cleanly.
  for (const service of running.reverse()) {
    service.child.kill('SIGTERM')
    t.equal(await service.exited, 0, `${service.name} stops with exit code 0 on SIGTERM`)
  }
})
