/**
 * `npm run deploy`: the cloud assembly `npm run synth` wrote (dist/infra/aws) to the account it
 * names, with the AWS CDK CLI. Stacks go in order, network and data first; GATEHOUSE_LAYOUT picks
 * the Lambda layout (default, the seed's) or ECS. A Lambda deploy returns only once every
 * CodeDeploy canary has finished, and fails (rolled back) if an alarm fired during one.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { stageFromEnv } from './stage.ts'

const root = join(import.meta.dirname, '..', '..', '..')
const assembly = join(root, 'dist', 'infra', 'aws')

export function deployArguments(env: NodeJS.ProcessEnv): string[] {
  const stage = stageFromEnv(env)
  const layout = env['GATEHOUSE_LAYOUT'] ?? 'lambda'
  if (layout !== 'lambda' && layout !== 'ecs') throw new Error('GATEHOUSE_LAYOUT: lambda or ecs')
  const stack = (name: string) => `gatehouse-${stage.name}-${name}`
  const generation = env['GATEHOUSE_CONFIG_REVISION']
  const secrets = generation === undefined ? [] : ['--parameters', `${stack(layout)}:ConfigRevision=${generation}`]
  const parameters = layout === 'ecs'
    ? ['--parameters', `${stack('ecs')}:ImageTag=${required(env, 'GATEHOUSE_IMAGE_TAG')}`, '--parameters', `${stack('ecs')}:CertificateArn=${required(env, 'GATEHOUSE_CERTIFICATE_ARN')}`]
    : []
  return ['deploy', '--app', assembly, '--require-approval', 'never', '--concurrency', '1', '--exclusively', ...parameters, ...secrets, stack('network'), stack('data'), stack(layout)]
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]
  if (value === undefined || value === '') throw new Error(`${name} is required for this layout`)
  return value
}

if (import.meta.main) {
  const manifest = join(assembly, 'manifest.json')
  if (!existsSync(manifest)) throw new Error(`${assembly} holds no cloud assembly: run \`npm run synth\` with the same GATEHOUSE_* variables first`)
  const args = deployArguments(process.env)
  const stackName = args.at(-1)!
  if (!(stackName in (JSON.parse(readFileSync(manifest, 'utf8')) as { artifacts: Record<string, unknown> }).artifacts)) {
    throw new Error(`${stackName} is not in ${assembly}: it was synthesized for another stage; run \`npm run synth\` again`)
  }
  const result = spawnSync(join(root, 'node_modules', '.bin', 'cdk'), args, { stdio: 'inherit', cwd: root })
  process.exit(result.status ?? 1)
}
