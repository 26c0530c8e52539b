import t from 'tap'
import { Type } from '@sinclair/typebox'
import { BaseConfig } from '@gatehouse/schemas'
import { loadConfig, type ConfigError } from '../src/index.ts'
import { CONFIG_ALIASES } from '../src/config-aliases.ts'

const Schema = Type.Object({
  ...BaseConfig,
  SESSION_CACHE_SECONDS: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.5 }),
  REFRESH_GRACE_SECONDS: Type.Integer({ minimum: 0, default: 10 }),
})

const load = (env: Record<string, string>) => {
  const warnings: string[] = []
  const config = loadConfig(Schema, env, (message) => warnings.push(message))
  return { config, warnings }
}

t.test('an old name is converted into the new unit, with one deprecation line', async (t) => {
  const { config, warnings } = load({ SHUTDOWN_GRACE_MS: '2500', SESSION_CACHE_MS: '250', REFRESH_GRACE_SEC: '3' })
  t.equal(config.SHUTDOWN_GRACE_SECONDS, 2.5)
  t.equal(config.SESSION_CACHE_SECONDS, 0.25)
  t.equal(config.REFRESH_GRACE_SECONDS, 3)
  t.equal(warnings.length, 1, 'one line however many old names are set')
  t.match(warnings[0], /SHUTDOWN_GRACE_MS is deprecated: use SHUTDOWN_GRACE_SECONDS=2\.5/)
  t.match(warnings[0], /SESSION_CACHE_MS is deprecated: use SESSION_CACHE_SECONDS=0\.25/)
  t.match(warnings[0], /REFRESH_GRACE_SEC is deprecated: use REFRESH_GRACE_SECONDS=3/)
})

t.test('the new name wins where both are set, and the line says the old one is ignored', async (t) => {
  const { config, warnings } = load({ SESSION_CACHE_SECONDS: '0.1', SESSION_CACHE_MS: '900' })
  t.equal(config.SESSION_CACHE_SECONDS, 0.1)
  t.match(warnings[0], /SESSION_CACHE_MS is deprecated and ignored: SESSION_CACHE_SECONDS is set/)
})

t.test('no old name set, no line; an alias of a variable this service lacks is left alone', async (t) => {
  const { config, warnings } = load({ SESSION_CACHE_SECONDS: '0.2', TOKEN_TIMEOUT_MS: '900' })
  t.equal(config.SESSION_CACHE_SECONDS, 0.2)
  t.same(warnings, [])
  t.notOk('TOKEN_TIMEOUT_SECONDS' in config)
})

t.test('a bad value under an old name is refused naming both names', async (t) => {
  const error = t.throws(() => load({ SESSION_CACHE_MS: '1000' })) as ConfigError
  t.match(error.message, /SESSION_CACHE_SECONDS.*\(set as SESSION_CACHE_MS\)/)
  const notANumber = t.throws(() => load({ SHUTDOWN_GRACE_MS: 'soon' })) as ConfigError
  t.match(notANumber.message, /SHUTDOWN_GRACE_SECONDS.*\(set as SHUTDOWN_GRACE_MS\)/)
})

t.test('every alias points at a _SECONDS name', async (t) => {
  for (const [old, alias] of Object.entries(CONFIG_ALIASES)) t.match(alias.name, /_SECONDS$/, old)
})
