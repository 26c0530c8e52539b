import t from 'tap'
import { AUTH, PASSWORD, buildTestApp, createUser, fakeClock, login, scanAll } from '../helper.ts'
import { totp } from './rfc6238.ts'
import { DEVICE, enrolledUser, finishSignIn, startSignIn } from './support.ts'

t.test('enrolment: nothing is active until a code confirms it; then sign-in asks for the factor', async (t) => {
  const clock = fakeClock()
  const { app, dynamo } = await buildTestApp(t, 'mfa-enrol', { now: clock.now })
  const userId = (await createUser(app, 'ada@example.com')).json().userId as string

  const wrongPassword = await app.inject({ method: 'POST', url: `/v1/users/${userId}/mfa/totp/setup`, headers: AUTH, payload: { currentPassword: 'not the password' } })
  t.equal(wrongPassword.statusCode, 401, 'setup re-checks the password')

  const setup = await app.inject({ method: 'POST', url: `/v1/users/${userId}/mfa/totp/setup`, headers: AUTH, payload: { currentPassword: PASSWORD } })
  t.equal(setup.statusCode, 200)
  const { secret, otpauthUri, qrSvg } = setup.json() as { secret: string; otpauthUri: string; qrSvg: string }
  t.match(secret, /^[A-Z2-7]{32}$/, '160-bit base32 secret')
  t.match(otpauthUri, /^otpauth:\/\/totp\/gatehouse:ada%40example\.com\?/)
  t.match(otpauthUri, /secret=[A-Z2-7]+/)
  t.match(qrSvg, /^<svg[\s\S]*<\/svg>$/)
  t.notMatch(qrSvg, /<script/i)

  t.same((await app.inject({ method: 'GET', url: `/v1/users/${userId}/mfa`, headers: AUTH })).json(), { totp: false, recoveryCodesLeft: 0 }, 'pending is not active')
  t.match((await login(app, 'ada@example.com', PASSWORD, DEVICE)).json(), { userId, scope: String }, 'a pending enrolment does not change sign-in')

  const wrong = await app.inject({ method: 'POST', url: `/v1/users/${userId}/mfa/totp/confirm`, headers: AUTH, payload: { code: totp(secret, clock.now() + 120_000) } })
  t.equal(wrong.statusCode, 403)
  t.equal(wrong.json().error.code, 'INVALID_MFA_CODE')

  const confirmingCode = totp(secret, clock.now())
  const confirmed = await app.inject({ method: 'POST', url: `/v1/users/${userId}/mfa/totp/confirm`, headers: AUTH, payload: { code: confirmingCode } })
  t.equal(confirmed.statusCode, 200)
  const codes = confirmed.json().recoveryCodes as string[]
  t.equal(codes.length, 10)
  t.equal(new Set(codes).size, 10)
  for (const code of codes) t.match(code, /^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/, '12 characters of a 32-letter alphabet: 60 bits')
  t.same((await app.inject({ method: 'GET', url: `/v1/users/${userId}/mfa`, headers: AUTH })).json(), { totp: true, recoveryCodesLeft: 10 })

  const again = await app.inject({ method: 'POST', url: `/v1/users/${userId}/mfa/totp/setup`, headers: AUTH, payload: { currentPassword: PASSWORD } })
  t.equal(again.statusCode, 409, 'a second enrolment needs the first turned off')

  // A database read alone yields no secret and no recovery code.
  const items = JSON.stringify(await scanAll(dynamo, 'Factors'), (_key, value: unknown) => (value instanceof Set ? [...value] : value))
  t.notOk(items.includes(secret), 'the secret is stored only sealed')
  for (const code of codes) t.notOk(items.includes(code) || items.includes(code.replace(/-/g, '')), 'recovery codes are stored only as digests')

  const signIn = await login(app, 'ada@example.com', PASSWORD, DEVICE)
  t.equal(signIn.statusCode, 200)
  const challenge = signIn.json() as { mfaRequired: boolean; mfaToken: string; methods: string[]; expiresIn: number }
  t.same({ ...challenge, mfaToken: typeof challenge.mfaToken }, { mfaRequired: true, mfaToken: 'string', methods: ['totp', 'recovery_code'], expiresIn: 300 })
  t.match(challenge.mfaToken, /^[A-Za-z0-9_-]{43}$/, 'opaque, 256 bits')
  t.notOk(JSON.stringify(await scanAll(dynamo, 'MfaTickets')).includes(challenge.mfaToken), 'only the hash of the mfaToken is stored')

  const replayed = await finishSignIn(app, challenge.mfaToken, { code: confirmingCode })
  t.equal(replayed.statusCode, 401, 'the code that confirmed the enrolment cannot sign in')

  clock.advance(30)
  const code = totp(secret, clock.now())
  const done = await finishSignIn(app, challenge.mfaToken, { code })
  t.equal(done.statusCode, 200)
  t.same(done.json(), { userId, scope: 'openid profile', amr: ['pwd', 'otp', 'mfa'], authTime: Math.floor(clock.now() / 1000), emailVerified: false })

  const secondTicket = await startSignIn(app, 'ada@example.com')
  const replayAcrossTickets = await finishSignIn(app, secondTicket, { code })
  t.equal(replayAcrossTickets.statusCode, 401, 'a code once accepted is never accepted again, on any ticket')
  t.equal(replayAcrossTickets.json().error.code, 'INVALID_CREDENTIALS')
})

t.test('codes one step either side of now are accepted; two steps away are not', async (t) => {
  const clock = fakeClock()
  // Every attempt here counts on the account's throttle; keep it out of the way.
  const { app } = await buildTestApp(t, 'mfa-window', { now: clock.now, env: { LOGIN_MAX_FAILURES: '50' } })
  const { secret } = await enrolledUser(app, clock, 'bea@example.com')
  clock.advance(300)
  t.equal((await finishSignIn(app, await startSignIn(app, 'bea@example.com'), { code: totp(secret, clock.now() - 60_000) })).statusCode, 401, 'two steps old')
  t.equal((await finishSignIn(app, await startSignIn(app, 'bea@example.com'), { code: totp(secret, clock.now() + 60_000) })).statusCode, 401, 'two steps ahead')
  t.equal((await finishSignIn(app, await startSignIn(app, 'bea@example.com'), { code: totp(secret, clock.now() - 30_000) })).statusCode, 200, 'one step old')
})

t.test('two requests racing with the same code: exactly one wins', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'mfa-race', { now: clock.now })
  const { secret } = await enrolledUser(app, clock, 'cy@example.com')
  const tickets = await Promise.all([startSignIn(app, 'cy@example.com'), startSignIn(app, 'cy@example.com')])
  const code = totp(secret, clock.now())
  const answers = await Promise.all(tickets.map((ticket) => finishSignIn(app, ticket, { code })))
  t.same(answers.map((answer) => answer.statusCode).sort(), [200, 401])
})

t.test('turning the factor off: password and a current code; then sign-in is password only again', async (t) => {
  const clock = fakeClock()
  const { app, dynamo } = await buildTestApp(t, 'mfa-disable', { now: clock.now })
  const { userId, secret } = await enrolledUser(app, clock, 'dee@example.com')
  const url = `/v1/users/${userId}/mfa/totp/disable`
  const noCode = await app.inject({ method: 'POST', url, headers: AUTH, payload: { currentPassword: PASSWORD, deviceId: DEVICE } })
  t.equal(noCode.statusCode, 403)
  t.same(noCode.json().error.code, 'MFA_REQUIRED')
  t.same(noCode.json().error.details, { methods: ['totp', 'recovery_code'] })
  const wrongCode = await app.inject({ method: 'POST', url, headers: AUTH, payload: { currentPassword: PASSWORD, code: '000000' === totp(secret, clock.now()) ? '111111' : '000000' } })
  t.equal(wrongCode.json().error.code, 'INVALID_MFA_CODE')
  const wrongPassword = await app.inject({ method: 'POST', url, headers: AUTH, payload: { currentPassword: 'nope nope nope', code: totp(secret, clock.now()) } })
  t.equal(wrongPassword.statusCode, 401)
  const both = await app.inject({ method: 'POST', url, headers: AUTH, payload: { currentPassword: PASSWORD, code: totp(secret, clock.now()), recoveryCode: 'aaaa-bbbb-cccc' } })
  t.equal(both.statusCode, 400, 'one proof at a time')
  const ok = await app.inject({ method: 'POST', url, headers: AUTH, payload: { currentPassword: PASSWORD, code: totp(secret, clock.now()) } })
  t.equal(ok.statusCode, 204)
  t.same(await scanAll(dynamo, 'Factors'), [], 'the secret and the recovery codes are gone')
  t.match((await login(app, 'dee@example.com')).json(), { userId })
  const twice = await app.inject({ method: 'POST', url, headers: AUTH, payload: { currentPassword: PASSWORD } })
  t.equal(twice.statusCode, 409)
})
