/**
 * `npm test`: one DynamoDB Local for the whole run, every test file through tap under c8 with a
 * real coverage threshold, and a closing `N passed, N failed` line that CI reads.
 * DynamoDB Local is stopped in every case, pass or fail or Ctrl-C.
 *
 * Usage: node tools/test/run.ts [project-root-or-test-file ...]
 */
import { spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { provideDynamo, type RunningDynamo } from '@gatehouse/dynamo-local'
import { countResults } from './count.ts'

const root = join(import.meta.dirname, '..', '..')
const bin = (name: string): string => join(root, 'node_modules', '.bin', name)

function testGlobs(args: string[]): string[] {
  if (args.length === 0) return []
  return args.map((arg) => {
    const path = join(root, arg)
    if (existsSync(path) && statSync(path).isDirectory()) return join(arg, '**', '*.test.ts')
    return arg
  })
}

async function main(): Promise<number> {
  const args = process.argv.slice(2)
  let dynamo: RunningDynamo | undefined
  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    await dynamo?.stop()
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      void stop().finally(() => process.exit(130))
    })
  }
  try {
    dynamo = await provideDynamo()
    process.stdout.write(`# DynamoDB (${dynamo.kind}) at ${dynamo.endpoint}\n`)
    const coverage = args.length === 0
    const tapArgs = ['--disable-coverage', '--reporter=tap', ...testGlobs(args)]
    const [command, commandArgs] = coverage
      ? [bin('c8'), ['--config', join(root, '.c8rc.json'), bin('tap'), ...tapArgs]]
      : [bin('tap'), tapArgs]
    const child = spawn(command, commandArgs, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, DYNAMODB_ENDPOINT: dynamo.endpoint, GATEHOUSE_TEST: '1' },
    })
    const counted = countResults(child.stdout, process.stdout)
    const code = await new Promise<number>((resolve) => child.on('close', (exitCode) => resolve(exitCode ?? 1)))
    const { passed, failed } = await counted
    await stop()
    // Coverage below the threshold fails the run even when every test passed.
    const failedTotal = failed + (code !== 0 && failed === 0 ? 1 : 0)
    if (code !== 0 && failed === 0) process.stdout.write('# the test runner exited non-zero (coverage threshold or a crashed file)\n')
    process.stdout.write(`${passed} passed, ${failedTotal} failed\n`)
    return code === 0 && failed === 0 && passed > 0 ? 0 : 1
  } catch (error) {
    await stop()
    process.stdout.write(`# ${(error as Error).message}\n0 passed, 1 failed\n`)
    return 1
  }
}

process.exitCode = await main()
