/**
 * verify() against the real token service (its own process): a valid token passes, every forged
 * token fails, a logged-out session fails within the documented bound when revocation-aware, and a
 * signing-key rotation is followed without restarting the verifier.
 */
import t from 'tap'
import { createHmac, createPublicKey } from 'node:crypto'
import { SignJWT, importJWK, type JWTPayload } from 'jose'
import { generateSigningKey, type PrivateJwk } from '@gatehouse/crypto'
import { createVerifier, TokenError, type VerifierOptions } from '../src/index.ts'
import { USER_ID, startTokenService } from './support.ts'

const service = await startTokenService(t, 'verify')
const options: VerifierOptions = { jwksUrl: service.jwksUrl, issuer: service.issuer, audience: 'gatehouse' }
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function sign(key: PrivateJwk, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const payload = { sub: USER_ID, scope: 'openid profile', sid: 'forged', jti: 'j', iss: service.issuer, aud: 'gatehouse', iat: now, exp: now + 300, ...claims }
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: key.kid, ...header })
    .sign(await importJWK(key as never, 'RS256'))
}

async function refusal(verify: Promise<unknown>): Promise<string> {
  try {
    await verify
    return 'accepted'
  } catch (error) {
    return error instanceof TokenError ? error.code : `unexpected ${String(error)}`
  }
}

t.test('a token from the token service verifies, with its claims', async (t) => {
  const pair = await service.issue()
  const token = await createVerifier(options).verify(pair.accessToken)
  t.equal(token.sub, USER_ID)
  t.equal(token.sid, pair.sessionId)
  t.same(token.scopes, ['openid', 'profile'])
})

t.test('every forged or mismatched token is invalid_token', async (t) => {
  const verifier = createVerifier(options)
  const pair = await service.issue()
  const [h, p, s] = pair.accessToken.split('.') as [string, string, string]
  const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
  const publicPem = createPublicKey({ key: service.key as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' })
  const hsInput = `${b64({ ...header, alg: 'HS256' })}.${p}`
  const stranger = generateSigningKey('RS256')
  const cases: Record<string, string> = {
    'not a JWT': 'abc',
    'two segments': `${h}.${p}`,
    'alg none': `${b64({ ...header, alg: 'none' })}.${p}.`,
    'HS256 keyed with the public key': `${hsInput}.${createHmac('sha256', publicPem).update(hsInput).digest('base64url')}`,
    'tampered payload': `${h}.${b64({ ...claims, scope: 'openid profile admin' })}.${s}`,
    'tampered signature': `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
    'unknown key': await sign(stranger, {}),
    'unknown key under a known kid': await sign({ ...stranger, kid: service.key.kid }, {}),
    'wrong issuer': await sign(service.key, { iss: 'https://evil.example' }),
    'wrong audience': await sign(service.key, { aud: 'another-api' }),
    'typ JWT (an ID token, not an access token)': await sign(service.key, {}, { typ: 'JWT' }),
    expired: await sign(service.key, { exp: Math.floor(Date.now() / 1000) - 60 }),
    'no sub': await sign(service.key, { sub: undefined }),
    oversized: 'a'.repeat(9000),
  }
  for (const [name, token] of Object.entries(cases)) t.equal(await refusal(verifier.verify(token)), 'invalid_token', name)
  t.equal(await refusal(verifier.verify(await sign(service.key, {}))), 'accepted', 'the control: correctly signed by the real key')
})

t.test('scopes and amr: insufficient_scope', async (t) => {
  const pair = await service.issue('openid profile')
  t.equal(await refusal(createVerifier({ ...options, requiredScopes: ['orders:read'] }).verify(pair.accessToken)), 'insufficient_scope')
  t.equal(await refusal(createVerifier(options).verify(pair.accessToken, { scopes: ['orders:read'] })), 'insufficient_scope', 'per call')
  const ordersPair = await service.issue('openid orders:read')
  t.equal(await refusal(createVerifier({ ...options, requiredScopes: ['orders:read'] }).verify(ordersPair.accessToken)), 'accepted')
  const mfa = createVerifier({ ...options, requireAmr: ['mfa'] })
  t.equal(await refusal(mfa.verify(await sign(service.key, { amr: ['pwd'] }))), 'insufficient_scope', 'a password-only sign-in')
  t.equal(await refusal(mfa.verify(await sign(service.key, { amr: ['pwd', 'mfa', 'otp'] }))), 'accepted', 'a sign-in with a second factor')
})

t.test('revocation-aware: a logged-out session fails within cacheSeconds + 1 s', async (t) => {
  const verifier = createVerifier({
    ...options,
    introspection: { url: service.introspectionUrl, clientId: service.stack.secrets.introspection.id, clientSecret: service.stack.secrets.introspection.secret, cacheSeconds: 1 },
  })
  const pair = await service.issue()
  t.equal(await refusal(verifier.verify(pair.accessToken)), 'accepted')
  await service.revoke(pair.refreshToken)
  t.equal(await refusal(createVerifier(options).verify(pair.accessToken)), 'accepted', 'local verification alone cannot see a logout')
  await sleep(2_100)
  t.equal(await refusal(verifier.verify(pair.accessToken)), 'invalid_token', 'after the bound, the logout is seen')
  const wrongClient = createVerifier({ ...options, introspection: { url: service.introspectionUrl, clientId: 'resource-server', clientSecret: 'not-the-secret-0123456789' } })
  t.equal(await refusal(wrongClient.verify((await service.issue()).accessToken)), 'unavailable', 'a refused introspection fails closed')
})

t.test('a signing-key rotation is followed without restarting the verifier', async (t) => {
  const verifier = createVerifier({ ...options, jwksCooldownSeconds: 1 })
  const before = await service.issue()
  t.equal(await refusal(verifier.verify(before.accessToken)), 'accepted')
  const next = generateSigningKey('RS256')
  await service.rotate({ keys: [{ ...next, status: 'active' }, { ...service.key, status: 'retired' }] })
  await sleep(1_100) // past the refetch cooldown
  const after = await service.issue()
  t.equal(JSON.parse(Buffer.from(after.accessToken.split('.')[0] as string, 'base64url').toString()).kid, next.kid, 'signed by the new key')
  t.equal(await refusal(verifier.verify(after.accessToken)), 'accepted', 'the unknown kid triggered one refetch')
  t.equal(await refusal(verifier.verify(before.accessToken)), 'accepted', 'tokens of the retired key still verify')

  const strict = createVerifier({ ...options, jwksCooldownSeconds: 600 })
  t.equal(await refusal(strict.verify(after.accessToken)), 'accepted')
  t.equal(await refusal(strict.verify(await sign(generateSigningKey('RS256'), {}))), 'invalid_token', 'a forged kid within the cooldown costs no refetch and fails')
})
