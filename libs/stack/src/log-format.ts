const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }
const COLOURS: Record<string, string> = { identity: '\x1b[36m', token: '\x1b[35m', gateway: '\x1b[32m', dynamodb: '\x1b[33m' }
const OMIT = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname'])

/**
 * One pino JSON line as `12:00:01 INFO  [gateway ] message key=value`, so the logs of several
 * processes interleave readably in one terminal. Lines that are not JSON pass through prefixed.
 */
export function formatLogLine(service: string, raw: string, colour = process.stdout.isTTY === true): string {
  const tag = `[${service.padEnd(8)}]`
  const prefix = colour ? `${COLOURS[service] ?? ''}${tag}\x1b[0m` : tag
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(raw) as Record<string, unknown>
  } catch {
    return `${prefix} ${raw}`
  }
  if (entry === null || typeof entry !== 'object') return `${prefix} ${raw}`
  const time = typeof entry['time'] === 'string' ? entry['time'].slice(11, 19) : ''
  const level = (LEVELS[Number(entry['level'])] ?? 'INFO').padEnd(5)
  const extras = Object.entries(entry)
    .filter(([key]) => !OMIT.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ')
  return `${time} ${level} ${prefix} ${String(entry['msg'] ?? '')}${extras === '' ? '' : ` ${extras}`}`
}
