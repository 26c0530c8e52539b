/**
 * Where each function's code comes from. A deploy reads the bundles `npm run build` wrote to dist/
 * (`npm run synth` runs the build first) and fails, naming the missing file, when one is absent:
 * never a placeholder. Tests hand the stacks a folder of tiny handlers they create themselves.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Code } from 'aws-cdk-lib/aws-lambda'

/** A bundle is a folder under dist/ (the Lambda package) and the module in it that exports `handler`. */
export interface Bundle { folder: string; module: string }

export const BUNDLES = {
  gateway: { folder: 'apps/gateway', module: 'lambda' },
  identity: { folder: 'apps/identity', module: 'lambda' },
  token: { folder: 'apps/token', module: 'lambda' },
  mailWorker: { folder: 'apps/identity', module: 'mail-worker' },
  authorizer: { folder: 'authorizer', module: 'authorizer' },
} as const satisfies Record<string, Bundle>
export type FunctionName = keyof typeof BUNDLES

export type CodeSource = (bundle: Bundle) => Code

export function bundlesIn(distRoot: string): CodeSource {
  return (bundle) => {
    const file = join(distRoot, bundle.folder, `${bundle.module}.mjs`)
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm run synth does)`)
    return Code.fromAsset(join(distRoot, bundle.folder))
  }
}

export const handlerOf = (bundle: Bundle): string => `${bundle.module}.handler`
