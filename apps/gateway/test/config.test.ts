import t from 'tap'
import { loadConfig, type ConfigError } from '@gatehouse/platform'
import { GatewayConfigSchema, corsOrigins, trustProxy } from '../src/config.ts'

const SECRET = { INTERNAL_CLIENT_SECRET: 'a-long-enough-secret-value' }

t.test('defaults are the documented ones', async (t) => {
  const config = loadConfig(GatewayConfigSchema, SECRET)
  t.equal(config.PORT, 3000)
  t.equal(config.HOST, '0.0.0.0')
  t.equal(config.IDENTITY_URL, 'http://127.0.0.1:3001')
  t.equal(config.TOKEN_URL, 'http://127.0.0.1:3002')
  t.equal(config.IDENTITY_TIMEOUT_SECONDS, 5)
  t.equal(config.TOKEN_TIMEOUT_SECONDS, 1.5)
  t.equal(config.REFRESH_COOKIE_NAME, 'gh_refresh')
  t.equal(config.COOKIE_SECURE, true)
  t.same(corsOrigins(config), [])
  t.equal(trustProxy(config), false)
  t.equal(config.REDIS_URL, undefined)
})

t.test('explicit values are converted and checked', async (t) => {
  const config = loadConfig(GatewayConfigSchema, {
    ...SECRET, COOKIE_SECURE: 'false', TRUST_PROXY: '2', CORS_ORIGINS: 'https://app.example.com,http://localhost:5173', REDIS_URL: 'redis://127.0.0.1:6379',
  })
  t.equal(config.COOKIE_SECURE, false)
  t.equal(trustProxy(config), 2)
  t.same(corsOrigins(config), ['https://app.example.com', 'http://localhost:5173'])
})

t.test('bad values stop start-up naming the variable', async (t) => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(GatewayConfigSchema, env)
      return []
    } catch (error) {
      return (error as ConfigError).problems
    }
  }
  t.match(problems({}).join('\n'), /INTERNAL_CLIENT_SECRET/)
  t.match(problems({ ...SECRET, CORS_ORIGINS: 'https://app.example.com/path' }).join('\n'), /CORS_ORIGINS/)
  t.match(problems({ ...SECRET, CORS_ORIGINS: '*' }).join('\n'), /CORS_ORIGINS/)
  t.match(problems({ ...SECRET, COOKIE_SECURE: 'maybe' }).join('\n'), /COOKIE_SECURE/)
  t.match(problems({ ...SECRET, TRUST_PROXY: 'true' }).join('\n'), /TRUST_PROXY/)
  t.match(problems({ ...SECRET, REDIS_URL: 'http://x' }).join('\n'), /REDIS_URL/)
  t.match(problems({ ...SECRET, IDENTITY_URL: 'http://x/v1' }).join('\n'), /IDENTITY_URL/)
})
