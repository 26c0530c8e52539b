import { parse } from 'yaml'

/** The parts of a compose service the deploy test reads. */
export interface ComposeService {
  image?: string
  build?: { context: string; dockerfile?: string; args?: Record<string, string> }
  environment?: Record<string, string | number | boolean | null>
  ports?: string[]
  profiles?: string[]
  depends_on?: Record<string, { condition: string; required?: boolean }>
  command?: string[]
  read_only?: boolean
}

export interface ComposeFile {
  name?: string
  services: Record<string, ComposeService>
}

export function parseCompose(source: string): ComposeFile {
  const value = parse(source) as Record<string, unknown> | null
  if (value === null || typeof value['services'] !== 'object' || value['services'] === null) throw new Error('compose file without services')
  return value as unknown as ComposeFile
}

/**
 * Compose's variable interpolation (https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/):
 * `${NAME}`, `${NAME:-default}`, `${NAME:?error}` and `$$` for a literal dollar.
 */
export function interpolate(text: string, variables: Record<string, string | undefined>): string {
  return text.replace(/\$\$|\$\{(\w+)(?::([-?])([^}]*))?\}/g, (whole, name: string | undefined, kind: string | undefined, operand: string | undefined) => {
    if (whole === '$$') return '$'
    const value = variables[name!]
    if (value !== undefined && value !== '') return value
    if (kind === '?') throw new Error(`${name} is required: ${operand}`)
    return kind === '-' ? (operand ?? '') : ''
  })
}

/** Variables the file refers to, for checking that each one is provided or has a default. */
export function referencedVariables(source: string): { name: string; required: boolean }[] {
  return [...source.matchAll(/\$\{(\w+)(?::([-?])[^}]*)?\}/g)].map((match) => ({ name: match[1]!, required: match[2] !== '-' }))
}

/** The environment a service's container gets: its `environment:` map, interpolated. */
export function serviceEnvironment(service: ComposeService, variables: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(service.environment ?? {})) {
    env[name] = interpolate(value === null ? '' : String(value), variables)
  }
  return env
}
