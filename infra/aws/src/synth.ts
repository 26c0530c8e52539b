/**
 * `npm run synth`: the CloudFormation templates into dist/infra/aws (a CDK cloud assembly, what
 * `cdk deploy --app` takes), offline: no account lookup, no credentials. Reads the Lambda bundles
 * from dist/, so the npm script builds first. Prints each template's size and the synth time.
 */
import { readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildApp } from './app.ts'
import { bundlesIn } from './bundles.ts'
import { stageFromEnv } from './stage.ts'

const root = join(import.meta.dirname, '..', '..', '..')
export const OUTDIR = join(root, 'dist', 'infra', 'aws')

const started = performance.now()
rmSync(OUTDIR, { recursive: true, force: true })
const stage = stageFromEnv()
buildApp({ stage, code: bundlesIn(join(root, 'dist')), outdir: OUTDIR }).app.synth()
const elapsed = performance.now() - started
for (const file of readdirSync(OUTDIR).filter((name) => name.endsWith('.template.json')).sort()) {
  process.stdout.write(`${file}  ${(statSync(join(OUTDIR, file)).size / 1024).toFixed(1)} KiB\n`)
}
process.stdout.write(`synthesized stage ${stage.name} (${stage.account}/${stage.region}) in ${(elapsed / 1000).toFixed(1)} s into ${OUTDIR}\n`)
