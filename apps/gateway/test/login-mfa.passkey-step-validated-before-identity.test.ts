import t from 'tap'
import { JSON_HEADERS, gatewayWithFakes } from './helper.ts'

const assertion = {
  id: 'Y3JlZA', rawId: 'Y3JlZA', type: 'public-key', clientExtensionResults: {},
  response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
}
const DEVICE = 'd'.repeat(43)

t.test('the passkey step is in the OpenAPI document: the options route and the passkey field', async (t) => {
  const { app } = await gatewayWithFakes(t)
  type Operation = { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }
  const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>> }
  const options = spec.paths['/auth/login/mfa/passkey/options']?.['post']
  t.ok(options, 'POST /auth/login/mfa/passkey/options')
  t.same(Object.keys(options?.requestBody?.content['application/json']?.schema.properties ?? {}), ['mfaToken'], 'its body: the mfaToken')
  const body = spec.paths['/auth/login/mfa']?.['post']?.requestBody?.content['application/json']?.schema.properties ?? {}
  t.ok('code' in body && 'recoveryCode' in body && 'passkey' in body, 'POST /auth/login/mfa: code, recoveryCode and passkey')
})

t.test('exactly one of code, recoveryCode, passkey: a 400 before identity is asked', async (t) => {
  const { app } = await gatewayWithFakes(t)
  const cookies = { gh_device: DEVICE }
  for (const [label, payload] of [
    ['none', { mfaToken: 'x' }],
    ['code and passkey', { mfaToken: 'x', code: '123456', passkey: assertion }],
    ['recovery code and passkey', { mfaToken: 'x', recoveryCode: 'abcd-efgh', passkey: assertion }],
    ['code and recovery code', { mfaToken: 'x', code: '123456', recoveryCode: 'abcd-efgh' }],
  ] as const) {
    const answer = await app.inject({ method: 'POST', url: '/auth/login/mfa', headers: JSON_HEADERS, cookies, payload })
    t.equal(answer.statusCode, 400, label)
    t.match(answer.json(), { error: { code: 'VALIDATION_FAILED', message: /exactly one/ } }, `${label}: in the one error shape`)
  }
  const malformed = await app.inject({ method: 'POST', url: '/auth/login/mfa', headers: JSON_HEADERS, cookies, payload: { mfaToken: 'x', passkey: { id: 'x' } } })
  t.equal(malformed.statusCode, 400, 'an assertion of the wrong shape')
})

t.test('the options route: no device cookie is a dead ticket; a foreign origin is refused; no extra fields', async (t) => {
  const { app } = await gatewayWithFakes(t)
  const url = '/auth/login/mfa/passkey/options'
  const noDevice = await app.inject({ method: 'POST', url, headers: JSON_HEADERS, payload: { mfaToken: 'x' } })
  t.equal(noDevice.statusCode, 401)
  t.match(noDevice.json(), { error: { code: 'INVALID_CREDENTIALS' } })
  const foreign = await app.inject({ method: 'POST', url, headers: { ...JSON_HEADERS, origin: 'https://evil.example' }, cookies: { gh_device: DEVICE }, payload: { mfaToken: 'x' } })
  t.equal(foreign.statusCode, 403, 'CSRF: a page of another origin cannot start it')
  const extra = await app.inject({ method: 'POST', url, headers: JSON_HEADERS, cookies: { gh_device: DEVICE }, payload: { mfaToken: 'x', userId: 'y' } })
  t.equal(extra.statusCode, 400)
})
