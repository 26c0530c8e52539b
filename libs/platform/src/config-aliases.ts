/**
 * Configuration variables renamed to the one duration suffix, `_SECONDS`. The old name still
 * works for now (its value converted to seconds) and start-up logs one deprecation line; where
 * both are set the new name wins. Only names a service's schema declares are ever aliased.
 */
export interface ConfigAlias {
  /** The variable's current name. */
  name: string
  /** Multiplies the old value into the new unit (milliseconds → seconds: 0.001). */
  factor: number
}

export const CONFIG_ALIASES: Readonly<Record<string, ConfigAlias>> = {
  SHUTDOWN_GRACE_MS: { name: 'SHUTDOWN_GRACE_SECONDS', factor: 0.001 },
  IDENTITY_TIMEOUT_MS: { name: 'IDENTITY_TIMEOUT_SECONDS', factor: 0.001 },
  TOKEN_TIMEOUT_MS: { name: 'TOKEN_TIMEOUT_SECONDS', factor: 0.001 },
  SESSION_CACHE_MS: { name: 'SESSION_CACHE_SECONDS', factor: 0.001 },
  ACCESS_TOKEN_TTL_SEC: { name: 'ACCESS_TOKEN_TTL_SECONDS', factor: 1 },
  REFRESH_TOKEN_TTL_SEC: { name: 'REFRESH_TOKEN_TTL_SECONDS', factor: 1 },
  SESSION_MAX_LIFETIME_SEC: { name: 'SESSION_MAX_LIFETIME_SECONDS', factor: 1 },
  REFRESH_GRACE_SEC: { name: 'REFRESH_GRACE_SECONDS', factor: 1 },
}

export interface AliasedEnv {
  /** The environment with each deprecated name's value moved (converted) to its new name. */
  env: Record<string, string | undefined>
  /** New name → the old name its value came from, so an error can name what the operator set. */
  from: Map<string, string>
  /** One line per deprecated name in use, for the start-up log. */
  notices: string[]
}

const isSet = (value: string | undefined): value is string => value !== undefined && value !== ''

export function resolveAliases(env: Record<string, string | undefined>, declared: ReadonlySet<string>): AliasedEnv {
  const resolved = { ...env }
  const from = new Map<string, string>()
  const notices: string[] = []
  for (const [old, alias] of Object.entries(CONFIG_ALIASES)) {
    const value = env[old]
    if (!declared.has(alias.name) || !isSet(value)) continue
    if (isSet(env[alias.name])) {
      notices.push(`${old} is deprecated and ignored: ${alias.name} is set`)
      continue
    }
    const number = Number(value)
    // A non-number is passed on as it is, so validation reports it (naming the old variable).
    resolved[alias.name] = Number.isFinite(number) ? String(Number((number * alias.factor).toPrecision(12))) : value
    from.set(alias.name, old)
    notices.push(`${old} is deprecated: use ${alias.name}=${resolved[alias.name]}`)
  }
  return { env: resolved, from, notices }
}
