/**
 * The pipeline runs nothing but the project's own npm scripts (so what CI does, a person can do
 * the same way), every script it names exists, and it goes test → staging (synth, deploy, smoke)
 * → production. Also: a deploy without its bundles fails by name instead of shipping a placeholder.
 */
import t from 'tap'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { BUNDLES, bundlesIn } from '../src/bundles.ts'
import { deployArguments } from '../src/deploy.ts'
import { fakeDist } from './helper.ts'

const root = join(import.meta.dirname, '..', '..', '..')
const workflow = readFileSync(join(root, '.github', 'workflows', 'deploy.yml'), 'utf8')
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts

/** The `run:` steps, in order. A block scalar (`run: |`) would hide several commands in one step: refused. */
const runs = [...workflow.matchAll(/^\s*-?\s*run:\s*(.*)$/gm)].map((match) => match[1]!.trim())

t.test('every run step is `npm ci`, `npm test` or `npm run <script>` of a script that exists', async (t) => {
  t.ok(runs.length >= 6)
  for (const command of runs) {
    t.notMatch(command, /^[|>]/, `${command}: one command per step`)
    const match = /^npm (ci|test|run ([\w:-]+))(\s+--\s+.*)?$/.exec(command)
    t.ok(match, `${command}: an npm script`)
    const script = match?.[2] ?? (match?.[1] === 'test' ? 'test' : undefined)
    if (script !== undefined) t.ok(scripts[script], `npm run ${script} exists in package.json`)
  }
})

t.test('test, then staging (synth, deploy, smoke), then production (synth, deploy)', async (t) => {
  const jobsSection = workflow.slice(workflow.search(/^jobs:\s*$/m))
  const jobs = jobsSection.split(/^ {2}(?=\w+:\s*$)/m).slice(1).map((block) => ({ name: block.split(':')[0]!, runs: [...block.matchAll(/run:\s*(.*)$/gm)].map((m) => m[1]!.trim()) }))
  t.same(jobs.map((job) => job.name), ['test', 'staging', 'production'])
  t.same(jobs[0]!.runs, ['npm ci', 'npm test'])
  t.same(jobs[1]!.runs, ['npm ci', 'npm run synth', 'npm run deploy', 'npm run smoke'])
  t.same(jobs[2]!.runs, ['npm ci', 'npm run synth', 'npm run deploy'])
  t.match(workflow, /production:\s*\n\s*needs: staging/, 'production only after staging passed')
  t.match(scripts['synth']!, /^npm run build && /, 'synth builds the bundles it deploys')
})

t.test('deploy: network and data first, then the chosen layout; ECS needs its image tag', async (t) => {
  const lambda = deployArguments({ GATEHOUSE_STAGE: 'staging' })
  t.same(lambda.slice(-3), ['gatehouse-staging-network', 'gatehouse-staging-data', 'gatehouse-staging-lambda'])
  t.throws(() => deployArguments({ GATEHOUSE_STAGE: 'staging', GATEHOUSE_LAYOUT: 'ecs' }), /GATEHOUSE_IMAGE_TAG/)
  const ecs = deployArguments({ GATEHOUSE_STAGE: 'prod', GATEHOUSE_LAYOUT: 'ecs', GATEHOUSE_IMAGE_TAG: 'abc1234', GATEHOUSE_CERTIFICATE_ARN: 'arn:aws:acm:eu-west-1:000000000000:certificate/x' })
  t.ok(ecs.includes('gatehouse-prod-ecs:ImageTag=abc1234'))
  t.throws(() => deployArguments({ GATEHOUSE_LAYOUT: 'k8s' }), /GATEHOUSE_LAYOUT/)
  t.ok(deployArguments({ GATEHOUSE_CONFIG_REVISION: '7' }).includes('gatehouse-staging-lambda:ConfigRevision=7'), 'a rotated secret goes out by raising the generation')
})

t.test('a missing bundle stops the synth and names the file and the command', async (t) => {
  const dist = fakeDist()
  t.teardown(() => rmSync(dist, { recursive: true, force: true }))
  rmSync(join(dist, BUNDLES.authorizer.folder, `${BUNDLES.authorizer.module}.mjs`))
  const code = bundlesIn(dist)
  t.ok(code(BUNDLES.gateway), 'present bundles load')
  t.throws(() => code(BUNDLES.authorizer), /authorizer\/authorizer\.mjs is missing: run `npm run build`/)
})
