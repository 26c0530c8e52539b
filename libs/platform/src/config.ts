import type { TObject, Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { resolveAliases } from './config-aliases.ts'

// Registers the string formats (uri, uuid, date-time) that config schemas use with TypeBox.
import '@gatehouse/schemas'

export class ConfigError extends Error {
  readonly problems: string[]

  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

/** Where deprecation notices go; by default one pino-shaped JSON warning line on stderr. */
export type ConfigWarn = (message: string) => void

const warnOnStderr: ConfigWarn = (message) => {
  process.stderr.write(`${JSON.stringify({ level: 40, time: new Date().toISOString(), msg: message })}\n`)
}

/**
 * Reads a service's configuration from environment-style strings, once, at start-up: deprecated
 * names resolved (config-aliases.ts, one warning line), defaults applied, numbers and booleans
 * converted, then checked; every problem names its variable.
 */
export function loadConfig<T extends TObject>(
  schema: T, env: Record<string, string | undefined>, warn: ConfigWarn = warnOnStderr,
): Static<T> {
  const declared = new Set(Object.keys(schema.properties))
  const aliased = resolveAliases(env, declared)
  const known = Object.fromEntries(
    [...declared].filter((key) => aliased.env[key] !== undefined && aliased.env[key] !== '').map((key) => [key, aliased.env[key]]),
  )
  const value = Value.Convert(schema, Value.Default(schema, known))
  const problems = [...Value.Errors(schema, value)].map((error) => {
    const variable = error.path.replace(/^\//, '') || '(root)'
    const old = aliased.from.get(variable)
    return `${variable}: ${error.message}${variable in known ? '' : ' (not set)'}${old === undefined ? '' : ` (set as ${old})`}`
  })
  if (problems.length > 0) throw new ConfigError([...new Set(problems)])
  if (aliased.notices.length > 0) warn(`deprecated configuration: ${aliased.notices.join('; ')}`)
  return value as Static<T>
}
