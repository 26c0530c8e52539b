import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { ConfigError, loadConfig } from '@gatehouse/platform'
import { TokenConfigSchema } from '../src/config.ts'
import { createClientAuth } from '../src/plugins/client-auth.ts'
import { loadKeyRing } from '../src/signing-keys.ts'
import { testKey } from './helper.ts'

const base = { SERVICE_CLIENTS: 'gateway:gateway-secret-0123456789' }

t.test('defaults are the documented ones', async (t) => {
  const config = loadConfig(TokenConfigSchema, base)
  t.match(config, {
    HOST: '127.0.0.1', PORT: 3002, JWT_ISSUER: 'http://localhost:3000', JWT_AUDIENCE: 'gatehouse', ACCESS_TOKEN_TTL_SECONDS: 900,
    REFRESH_TOKEN_TTL_SECONDS: 2_592_000, SESSION_MAX_LIFETIME_SECONDS: 7_776_000, REFRESH_GRACE_SECONDS: 10, SESSION_CACHE_SECONDS: 0.5,
  })
})

t.test('bad values stop start-up naming the variable', async (t) => {
  t.throws(() => loadConfig(TokenConfigSchema, { ...base, SESSION_CACHE_SECONDS: '1' }), { message: /SESSION_CACHE_SECONDS/ })
  t.throws(() => loadConfig(TokenConfigSchema, {}), { message: /SERVICE_CLIENTS/ })
  t.throws(() => loadConfig(TokenConfigSchema, { ...base, INTROSPECTION_CLIENTS: 'api:short' }), { message: /INTROSPECTION_CLIENTS/ })
  t.throws(() => createClientAuth(base.SERVICE_CLIENTS, 'gateway:another-secret-0123456789'), { message: /INTROSPECTION_CLIENTS: client id gateway/ })
})

t.test('signing keys: one of SIGNING_KEYS or SIGNING_KEYS_FILE, and a valid set', async (t) => {
  const neither = await loadKeyRing({}).catch((error: unknown) => error)
  t.ok(neither instanceof ConfigError)
  t.match((neither as Error).message, /SIGNING_KEYS or SIGNING_KEYS_FILE/)
  const keySet = JSON.stringify({ keys: [testKey('EdDSA')] })
  await t.rejects(loadKeyRing({ SIGNING_KEYS: keySet, SIGNING_KEYS_FILE: '/x' }), { message: /set only one/ })
  await t.rejects(loadKeyRing({ SIGNING_KEYS: '{not json' }), { message: /SIGNING_KEYS: not valid JSON/ })
  await t.rejects(loadKeyRing({ SIGNING_KEYS: '{"keys":[]}' }), { message: /SIGNING_KEYS: invalid signing key set/ })
  await t.rejects(loadKeyRing({ SIGNING_KEYS_FILE: '/nonexistent/keys.json' }), { message: /SIGNING_KEYS_FILE: cannot read/ })
  const dir = mkdtempSync(join(tmpdir(), 'token-keys-'))
  const file = join(dir, 'keys.json')
  writeFileSync(file, keySet)
  t.equal((await loadKeyRing({ SIGNING_KEYS_FILE: file })).activeKid, testKey('EdDSA').kid)
  t.equal((await loadKeyRing({ SIGNING_KEYS: keySet })).activeKid, testKey('EdDSA').kid)
})
