import { cpus, totalmem } from 'node:os'
import { availableParallelism } from 'node:os'
import type { Figure } from './types.ts'

export interface Machine {
  nproc: number
  cpu: string
  memoryGb: number
  node: string
  platform: string
}

export interface BenchResults {
  startedAt: string
  mode: 'quick' | 'full'
  machine: Machine
  settings: Record<string, string | number | boolean>
  figures: Figure[]
}

export function machine(): Machine {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  }
}

const NAMES: Record<string, string> = {
  perSecond: '/s', p50: 'p50 ms', p99: 'p99 ms', ms: 'ms', idleMb: 'idle MB', loadMb: 'load MB',
  mainBytes: 'main', lambdaBytes: 'lambda', failed: 'failed', loginsPerSecond: 'logins/s',
  outsideMs: 'outside bcrypt ms', compareMs: 'compare ms', cpuMs: 'CPU ms', cpuUs: 'CPU µs',
  gatewayMs: 'gateway ms', identityMs: 'identity ms', tokenMs: 'token ms', rawTransactionMs: 'raw transaction ms',
  requests: 'requests', offeredPerSecond: 'offered/s', okPerSecond: 'signed in/s', shedPct: '503 %',
  afterMb: 'after MB', beforeMb: 'before MB', scriptGzipBytes: 'gzip', scriptBytes: 'script',
}

function format(key: string, value: number): string {
  if (key.endsWith('Bytes')) return `${NAMES[key]} ${(value / 1024).toFixed(0)} KiB`
  const shown = key === 'perSecond' || key === 'loginsPerSecond' ? value.toFixed(value >= 100 ? 0 : 1) : String(Math.round(value * 100) / 100)
  return key === 'perSecond' ? `${shown}/s` : `${NAMES[key] ?? key} ${shown}`
}

const cell = (values: Record<string, number> | undefined): string =>
  values === undefined ? '—' : Object.entries(values).filter(([key, value]) => !(key === 'failed' && value === 0)).map(([key, value]) => format(key, value)).join(', ')

export function markdownTable(results: BenchResults): string {
  const m = results.machine
  const lines = [
    `Run ${results.startedAt} (${results.mode} mode) on ${m.nproc} × ${m.cpu}, ${m.memoryGb} GB, Node ${m.node}.`,
    `Settings: ${Object.entries(results.settings).map(([key, value]) => `${key}=${value}`).join(', ')}.`,
    '',
    '| figure | measured | baseline (same run) | ratio | goal | met |',
    '|---|---|---|---|---|---|',
  ]
  for (const figure of results.figures) {
    const ratio = figure.ratio === undefined ? '—' : `${Math.round(figure.ratio * 100) / 100} (${figure.ratioOf})`
    const met = figure.met === null ? 'reported' : figure.met ? 'yes' : '**no**'
    lines.push(`| ${figure.title} | ${cell(figure.measured)} | ${cell(figure.baseline)} | ${ratio} | ${figure.goal} | ${met} |`)
  }
  const notes = results.figures.filter((figure) => figure.note !== undefined)
  if (notes.length > 0) lines.push('', ...notes.map((figure) => `- ${figure.title}: ${figure.note}`))
  return `${lines.join('\n')}\n`
}
