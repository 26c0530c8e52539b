import t from 'tap'
import { gatewayWithFakes } from './helper.ts'

t.test('the second-factor endpoints are in the OpenAPI document, with their bodies', async (t) => {
  const { app } = await gatewayWithFakes(t)
  const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> }
  for (const [path, method] of [['/auth/login/mfa', 'post'], ['/auth/mfa', 'get'], ['/auth/mfa/totp/setup', 'post'], ['/auth/mfa/totp/confirm', 'post'], ['/auth/mfa/totp', 'delete'], ['/auth/mfa/recovery-codes', 'post']] as const) {
    t.ok(spec.paths[path]?.[method], `${method.toUpperCase()} ${path}`)
  }
})

t.test('account deletion takes the second factor as the other sensitive actions do', async (t) => {
  const { app } = await gatewayWithFakes(t)
  const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>> }
  for (const [path, method] of [['/auth/account', 'delete'], ['/auth/password', 'post'], ['/auth/email', 'post'], ['/auth/mfa/totp', 'delete']] as const) {
    const body = spec.paths[path]?.[method]?.requestBody?.content['application/json']?.schema.properties ?? {}
    t.ok('code' in body && 'recoveryCode' in body, `${method.toUpperCase()} ${path}: code and recoveryCode`)
  }
})

t.test('bad second-factor input gets a 400 in the one error shape', async (t) => {
  const { app } = await gatewayWithFakes(t)
  const headers = { 'content-type': 'application/json' }
  const notSixDigits = await app.inject({ method: 'POST', url: '/auth/login/mfa', headers, payload: { mfaToken: 'x', code: '12345a' } })
  t.equal(notSixDigits.statusCode, 400)
  t.equal(notSixDigits.json().error.code, 'VALIDATION_FAILED')
  const extra = await app.inject({ method: 'POST', url: '/auth/login/mfa', headers, payload: { mfaToken: 'x', code: '123456', secret: 'y' } })
  t.equal(extra.statusCode, 400)
  const noDevice = await app.inject({ method: 'POST', url: '/auth/login/mfa', headers, payload: { mfaToken: 'x', code: '123456' } })
  t.equal(noDevice.statusCode, 401, 'no device cookie: the ticket cannot be ours')
})
