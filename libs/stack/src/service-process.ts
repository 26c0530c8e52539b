import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { formatLogLine } from './log-format.ts'
import { waitUntilReady } from './wait-ready.ts'

export type ServiceName = 'identity' | 'token' | 'gateway'

export interface ServiceProcessOptions {
  name: ServiceName
  /** The service's own configuration, and nothing else (as a container gets it). */
  env: Record<string, string>
  port: number
  /** Run the esbuild bundle in dist/ (as containers do) instead of the TypeScript sources. */
  fromDist?: boolean
  /** Where the bundles are when `fromDist`: dist/ unless a test built its own (inside the repository, so bcrypt resolves). */
  distRoot?: string
  /** Where log lines go; defaults to stdout. */
  log?: (line: string) => void
  /** pino-pretty lines for a terminal (npm start); otherwise each line as the service wrote it (JSON). */
  pretty?: boolean
  readyTimeoutMs?: number
}

export interface ServiceProcess {
  name: ServiceName
  url: string
  child: ChildProcess
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>
  exited: Promise<number | null>
}

const root = join(import.meta.dirname, '..', '..', '..')
/** Variables a service inherits from the launcher's environment: the runtime's, never config. */
const INHERITED = ['PATH', 'HOME', 'TZ', 'LANG', 'NODE_V8_COVERAGE', 'NODE_OPTIONS', 'TMPDIR']

export function serviceCommand(name: ServiceName, fromDist = false, distRoot = join(root, 'dist')): string[] {
  return fromDist ? [join(distRoot, 'apps', name, 'main.mjs')] : [join(root, 'apps', name, 'src', 'main.ts')]
}

/** Starts one service as its own process and resolves once its /health/ready answers 200. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const env: Record<string, string> = {}
  for (const key of INHERITED) {
    const value = process.env[key]
    if (value !== undefined) env[key] = value
  }
  Object.assign(env, options.env, { PORT: String(options.port) })
  const child = spawn(process.execPath, serviceCommand(options.name, options.fromDist, options.distRoot), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`))
  const recent: string[] = []
  const onLine = (raw: string): void => {
    if (raw.trim() === '') return
    recent.push(raw)
    if (recent.length > 20) recent.shift()
    log(options.pretty === true ? formatLogLine(options.name, raw) : raw)
  }
  pipeLines(child.stdout, onLine)
  pipeLines(child.stderr, onLine)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let exitCode: number | null | undefined
  void exited.then((code) => { exitCode = code })

  const url = `http://127.0.0.1:${options.port}`
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    if (exitCode !== undefined) return
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 12_000)
    await exited
    clearTimeout(timer)
  }
  try {
    await waitUntilReady({
      url,
      timeoutMs: options.readyTimeoutMs ?? 30_000,
      gaveUp: () => (exitCode === undefined ? undefined : `exited (code ${exitCode}) before it was ready`),
    })
  } catch (error) {
    await stop('SIGKILL')
    throw new Error(`${options.name} ${(error as Error).message}:\n  ${recent.join('\n  ')}`, { cause: error })
  }
  return { name: options.name, url, child, stop, exited }
}

function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (stream === null) return
  let buffer = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    buffer += chunk
    let newline = buffer.indexOf('\n')
    while (newline >= 0) {
      onLine(buffer.slice(0, newline))
      buffer = buffer.slice(newline + 1)
      newline = buffer.indexOf('\n')
    }
  })
  stream.on('end', () => onLine(buffer))
}
