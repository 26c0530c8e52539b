/**
 * Synthesizes the real app, as `npm run synth` does, except that the function code comes from a
 * temporary dist/ of one-line handlers that this helper writes (the real bundles are `npm run
 * build`'s business and need not exist for the stacks' shape to be tested).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Template } from 'aws-cdk-lib/assertions'
import { buildApp, type GatehouseApp } from '../src/app.ts'
import { BUNDLES, bundlesIn } from '../src/bundles.ts'
import { stageFromEnv } from '../src/stage.ts'

export interface Synthesized {
  app: GatehouseApp
  data: Template
  network: Template
  lambda: Template
  ecs: Template
}

export function fakeDist(): string {
  const dist = mkdtempSync(join(tmpdir(), 'gatehouse-dist-'))
  for (const bundle of Object.values(BUNDLES)) {
    mkdirSync(join(dist, bundle.folder), { recursive: true })
    writeFileSync(join(dist, bundle.folder, `${bundle.module}.mjs`), 'export const handler = async () => ({ statusCode: 204 })\n')
  }
  return dist
}

export function synthesize(t: { teardown(fn: () => unknown): void }): Synthesized {
  const dist = fakeDist()
  const outdir = mkdtempSync(join(tmpdir(), 'gatehouse-cdk-'))
  t.teardown(() => {
    rmSync(dist, { recursive: true, force: true })
    rmSync(outdir, { recursive: true, force: true })
  })
  const app = buildApp({ stage: stageFromEnv({ GATEHOUSE_STAGE: 'test' }), code: bundlesIn(dist), outdir })
  return {
    app,
    data: Template.fromStack(app.data),
    network: Template.fromStack(app.network),
    lambda: Template.fromStack(app.lambda),
    ecs: Template.fromStack(app.ecs),
  }
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>
export const resourcesOf = (template: Template): Resources => template.toJSON()['Resources'] as Resources
