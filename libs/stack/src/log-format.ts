import pinoPretty from 'pino-pretty'

const COLOURS: Record<string, string> = { identity: '\x1b[36m', token: '\x1b[35m', gateway: '\x1b[32m', dynamodb: '\x1b[33m' }

const factories = new Map<boolean, (line: string) => string>()
function prettifier(colour: boolean): (line: string) => string {
  let pretty = factories.get(colour)
  if (pretty === undefined) {
    // pino-pretty's own formatter: readable multi-line error stacks (err.stack), levels, fields.
    pretty = pinoPretty.prettyFactory({ colorize: colour, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service', singleLine: false })
    factories.set(colour, pretty)
  }
  return pretty
}

/**
 * One service's pino JSON line for a terminal (`npm start`): `[gateway ]` and pino-pretty's
 * rendering, so the logs of several processes interleave readably and an error shows its stack.
 * Lines that are not pino JSON (a crash before the logger exists) pass through tagged.
 */
export function formatLogLine(service: string, raw: string, colour = process.stdout.isTTY === true): string {
  const tag = `[${service.padEnd(8)}]`
  const prefix = colour ? `${COLOURS[service] ?? ''}${tag}\x1b[0m` : tag
  let entry: unknown
  try {
    entry = JSON.parse(raw)
  } catch {
    return `${prefix} ${raw}`
  }
  if (entry === null || typeof entry !== 'object' || !('level' in entry)) return `${prefix} ${raw}`
  return `${prefix} ${prettifier(colour)(raw).trimEnd()}`
}
