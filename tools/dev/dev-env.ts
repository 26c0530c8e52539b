import { existsSync, readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import { CONFIG_ALIASES } from '@gatehouse/platform'

/**
 * The optional `.env` at the repository root, for `npm start` only (the services themselves never
 * read a file). The real environment wins over it, as with every dotenv tool.
 */
export function readDotEnv(path: string): Record<string, string> {
  if (!existsSync(path)) return {}
  return Object.fromEntries(Object.entries(parseEnv(readFileSync(path, 'utf8'))).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

/**
 * Wiring `npm start` sets itself for the stack to hold together: ports and addresses (use
 * GATEWAY_PORT, IDENTITY_PORT, TOKEN_PORT), the internal secrets and keys under data/. A value
 * from the environment would break the stack, so it is not passed on, and the caller says so.
 */
export const STACK_MANAGED = new Set([
  'HOST', 'PORT', 'IDENTITY_URL', 'TOKEN_URL', 'INTERNAL_CLIENT_ID', 'INTERNAL_CLIENT_SECRET', 'SERVICE_CLIENTS',
  'INTROSPECTION_CLIENTS', 'ADMIN_CLIENTS', 'SIGNING_KEYS', 'SIGNING_KEYS_FILE',
])
/** Read by `npm start` itself (which DynamoDB, which tables) and handed to the services from there. */
export const STACK_CONSUMED = new Set(['DYNAMODB_ENDPOINT', 'AWS_ENDPOINT_URL_DYNAMODB', 'TABLE_PREFIX'])

export interface PassedEnv {
  env: Record<string, string>
  /** Set by the user but not passed on (see STACK_MANAGED). */
  ignored: string[]
}

/**
 * The variables of one service's schema found in `source`, plus any deprecated name of one
 * (`CONFIG_ALIASES`; the service converts it and logs the deprecation): a variable of another
 * service never reaches this one, as no container gets another's configuration.
 */
export function serviceEnv(variables: readonly string[], source: Record<string, string | undefined>): PassedEnv {
  const wanted = new Set(variables)
  const names = [...variables, ...Object.keys(CONFIG_ALIASES).filter((old) => wanted.has(CONFIG_ALIASES[old]?.name ?? ''))]
  const env: Record<string, string> = {}
  const ignored: string[] = []
  for (const name of names) {
    const value = source[name]
    if (value === undefined || value === '' || STACK_CONSUMED.has(name)) continue
    if (STACK_MANAGED.has(name)) ignored.push(name)
    else env[name] = value
  }
  return { env, ignored }
}
