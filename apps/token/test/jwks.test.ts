import t from 'tap'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import type { App } from '@gatehouse/platform'
import { buildTestApp, decodeJwtPart, introspect, issue, testKey } from './helper.ts'

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth', 'status']

async function listen(t: { teardown(fn: () => unknown): void }, app: App): Promise<URL> {
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  return new URL('/.well-known/jwks.json', address)
}

t.test('the JWKS is public, cacheable and holds no private member', async (t) => {
  const { app } = await buildTestApp(t, 'jwks', { keySet: { keys: [testKey('RS256'), testKey('EdDSA', 'next')] } })
  const response = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  t.equal(response.statusCode, 200)
  t.equal(response.headers['cache-control'], 'public, max-age=300')
  const { keys } = response.json()
  t.equal(keys.length, 2, 'the next key is published before it signs')
  for (const key of keys) {
    for (const member of PRIVATE_MEMBERS) t.notOk(member in key, `no ${member} in ${key.kty}`)
    t.equal(key.use, 'sig')
  }
  const pair = await issue(app)
  t.equal(decodeJwtPart(pair.accessToken, 0)['kid'], testKey('RS256').kid, 'the active key signs')
})

t.test('jose verifies issued access tokens through the JWKS endpoint, across a key rotation', async (t) => {
  const oldKey = testKey('RS256')
  const newKey = testKey('ES256')
  const before = await buildTestApp(t, 'rotation', { keySet: { keys: [oldKey] } })
  const oldToken = (await issue(before.app)).accessToken

  // Rotation step 1: the next key is published but does not sign yet.
  const published = await buildTestApp(t, 'rotation', { share: before, keySet: { keys: [oldKey, { ...newKey, status: 'next' }] } })
  t.equal(decodeJwtPart((await issue(published.app)).accessToken, 0)['kid'], oldKey.kid)

  // Step 2: the next key signs; the old one stays published (retired) until its tokens expire.
  const after = await buildTestApp(t, 'rotation', { share: before, keySet: { keys: [{ ...oldKey, status: 'retired' }, { ...newKey, status: 'active' }] } })
  const newToken = (await issue(after.app)).accessToken
  t.equal(decodeJwtPart(newToken, 0)['kid'], newKey.kid)

  const jwks = createRemoteJWKSet(await listen(t, after.app))
  const options = { issuer: after.config.JWT_ISSUER, audience: after.config.JWT_AUDIENCE, typ: 'at+jwt' }
  const verifiedOld = await jwtVerify(oldToken, jwks, options)
  t.equal(verifiedOld.protectedHeader.alg, 'RS256')
  const verifiedNew = await jwtVerify(newToken, jwks, options)
  t.equal(verifiedNew.protectedHeader.alg, 'ES256')
  t.type(verifiedNew.payload['sid'], 'string')
  t.equal((await introspect(after.app, oldToken)).json().active, true, 'tokens signed before the rotation stay valid')
})
