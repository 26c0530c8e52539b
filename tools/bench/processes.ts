import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '@gatehouse/dynamo-local'
import { waitUntilReady } from '@gatehouse/stack'

const BASELINE = join(import.meta.dirname, 'baseline-server.ts')

/** Resident set size in MB, from the kernel's own account of the process (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN)
  return Math.round((kb / 1024) * 10) / 10
}

/** The environment a running child was started with: a second copy starts with exactly its config. */
export function processEnv(pid: number): Record<string, string> {
  const env: Record<string, string> = {}
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=')
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return env
}

export interface Spawned {
  url: string
  child: ChildProcess
  /** Milliseconds from spawn to the first 200 from /health/ready. */
  readyMs: number
  stop(): Promise<void>
}

/**
 * Spawns `node <args>` on a free port and polls /health/ready every 5 ms until it answers 200:
 * the time from process start to ready, measured the same way for every service and the baseline.
 */
export async function spawnUntilReady(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<Spawned> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, args, { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-2000) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let done = false
  void exited.then(() => { done = true })
  const stop = async (): Promise<void> => {
    if (done) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
  const url = `http://127.0.0.1:${port}`
  try {
    await waitUntilReady({ url, timeoutMs, intervalMs: 5, gaveUp: () => (done ? 'exited before it was ready' : undefined) })
  } catch (error) {
    await stop()
    throw new Error(`${args.join(' ')} ${(error as Error).message}: ${stderr}`, { cause: error })
  }
  return { url, child, readyMs: performance.now() - started, stop }
}

export function startBaseline(mode: 'bare' | 'verify', env: Record<string, string> = {}): Promise<Spawned> {
  return spawnUntilReady([BASELINE], { PATH: process.env['PATH'] ?? '', BENCH_MODE: mode, ...env })
}

let ticksPerSecond: number | undefined
/** The kernel's clock ticks per second (`getconf CLK_TCK`), 100 where getconf is missing. */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat: fields 14 and
 * 15 (utime, stime), counted after the `)` that ends the command name, which may hold spaces.
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks()
}

/** CPU ms each named process used while `work` ran, read from /proc before and after. */
export async function cpuDuring<T>(pids: Record<string, number>, work: () => Promise<T>): Promise<{ result: T; cpu: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]))
  const result = await work()
  const cpu = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid) - (before[name] as number)]))
  return { result, cpu }
}

/** The same for this process (process.cpuUsage counts every thread, libuv's pool included), in ms. */
export async function ownCpuDuring<T>(work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = process.cpuUsage()
  const result = await work()
  const used = process.cpuUsage(before)
  return { result, cpuMs: (used.user + used.system) / 1000 }
}
