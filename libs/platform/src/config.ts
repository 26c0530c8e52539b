import type { TObject, Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

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

/**
 * Reads a service's configuration from environment-style strings, once, at start-up: defaults
 * applied, numbers and booleans converted, then checked; every problem names its variable.
 */
export function loadConfig<T extends TObject>(schema: T, env: Record<string, string | undefined>): Static<T> {
  const known = Object.fromEntries(
    Object.keys(schema.properties).filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]),
  )
  const value = Value.Convert(schema, Value.Default(schema, known))
  const problems = [...Value.Errors(schema, value)].map((error) => {
    const variable = error.path.replace(/^\//, '') || '(root)'
    return `${variable}: ${error.message}${variable in known ? '' : ' (not set)'}`
  })
  if (problems.length > 0) throw new ConfigError([...new Set(problems)])
  return value as Static<T>
}
