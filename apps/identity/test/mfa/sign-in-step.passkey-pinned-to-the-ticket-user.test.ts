import t from 'tap'
import type { App } from '@gatehouse/platform'
import { AUTH, buildTestApp, createUser, fakeClock, login } from '../helper.ts'
import { softAuthenticator, type SoftCredential } from '../passkeys/soft-authenticator.ts'
import { DEVICE, OTHER_DEVICE, enrolledUser, finishSignIn, startSignIn } from './support.ts'

const authenticator = softAuthenticator()

/** A passkey registered for the user, through identity's own registration ceremony. */
async function addPasskey(app: App, userId: string): Promise<SoftCredential> {
  const options = await app.inject({ method: 'POST', url: `/v1/users/${userId}/passkeys/options`, headers: AUTH })
  const { credential, response } = authenticator.register(options.json().challenge as string, userId)
  const stored = await app.inject({ method: 'POST', url: `/v1/users/${userId}/passkeys`, headers: AUTH, payload: { response, name: 'Laptop' } })
  if (stored.statusCode !== 201) throw new Error(`register: ${stored.body}`)
  return credential
}

const passkeyOptions = (app: App, mfaToken: string, deviceId = DEVICE) =>
  app.inject({ method: 'POST', url: '/v1/mfa/passkey/options', headers: AUTH, payload: { mfaToken, deviceId } })

/** Options for the ticket, then `credential`'s assertion over their challenge. */
async function passkeyProof(app: App, mfaToken: string, credential: SoftCredential) {
  const options = await passkeyOptions(app, mfaToken)
  if (options.statusCode !== 200) throw new Error(`options: ${options.body}`)
  return { passkey: authenticator.assert(credential, options.json().challenge as string) }
}

t.test('a passkey as the second factor: offered beside TOTP, options for the ticket user only, amr pwd+hwk+mfa, one sign_in event', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'mfa-passkey-step', { now: clock.now })
  const { userId } = await enrolledUser(app, clock, 'pia@example.com')
  const credential = await addPasskey(app, userId)

  const answer = await login(app, 'pia@example.com', undefined, DEVICE)
  t.same(answer.json().methods, ['totp', 'recovery_code', 'passkey'], 'passkey offered after the TOTP methods')
  const ticket = answer.json().mfaToken as string

  const options = await passkeyOptions(app, ticket)
  t.equal(options.statusCode, 200)
  t.same(options.json().allowCredentials.map((c: { id: string }) => c.id), [credential.id], "only the user's passkeys may answer")

  const done = await finishSignIn(app, ticket, { passkey: authenticator.assert(credential, options.json().challenge as string) } as never)
  t.equal(done.statusCode, 200, done.body)
  t.match(done.json(), { userId, amr: ['pwd', 'hwk', 'mfa'], authTime: Math.floor(clock.now() / 1000), emailVerified: false })
  const { events } = (await app.inject({ method: 'GET', url: `/v1/users/${userId}/activity`, headers: AUTH })).json() as { events: { type: string; method?: string; newDevice?: boolean }[] }
  t.same(events.filter((e) => e.type === 'sign_in').map(({ method, newDevice }) => ({ method, newDevice })), [{ method: 'password+passkey', newDevice: true }], 'one sign_in event, by the passkey step')

  t.equal((await passkeyOptions(app, ticket)).statusCode, 401, 'a used ticket gets no more options')
  t.equal((await finishSignIn(app, ticket, await passkeyProof(app, await startSignIn(app, 'pia@example.com'), credential) as never)).statusCode, 401,
    'nor signs in again')
})

t.test('a foreign, forged or replayed assertion is a wrong code: it spends one of the ticket\'s attempts', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'mfa-passkey-refused', { now: clock.now, env: { LOGIN_MAX_FAILURES: '50', MFA_TICKET_MAX_ATTEMPTS: '4' } })
  const { userId } = await enrolledUser(app, clock, 'rex@example.com')
  const own = await addPasskey(app, userId)
  const other = await enrolledUser(app, clock, 'sue@example.com')
  const foreign = await addPasskey(app, other.userId)

  const ticket = await startSignIn(app, 'rex@example.com')
  t.equal((await finishSignIn(app, ticket, await passkeyProof(app, ticket, foreign) as never)).statusCode, 401, "another account's passkey over this ticket's challenge")
  const options = await passkeyOptions(app, ticket)
  const signed = authenticator.assert(own, options.json().challenge as string)
  const elsewhere = authenticator.assert(own, 'some-other-challenge')
  t.equal((await finishSignIn(app, ticket, { passkey: { ...signed, response: { ...signed.response, signature: elsewhere.response.signature } } } as never)).statusCode, 401, 'a signature over something else')
  t.equal((await finishSignIn(app, ticket, { passkey: signed } as never)).statusCode, 401, 'a right assertion whose challenge was spent: single-use')
  const sueTicket = await startSignIn(app, 'sue@example.com')
  t.equal((await finishSignIn(app, ticket, await passkeyProof(app, sueTicket, own) as never)).statusCode, 401, "the user's own passkey over a challenge bound to another account's ticket")
  t.equal((await passkeyOptions(app, ticket)).statusCode, 401, 'four wrong ones spent the ticket: no more options')
  const spentOptions = await passkeyOptions(app, await startSignIn(app, 'rex@example.com'))
  t.equal((await finishSignIn(app, ticket, { passkey: authenticator.assert(own, spentOptions.json().challenge as string) } as never)).statusCode, 401, 'and even a right assertion is refused')
  const fresh = await startSignIn(app, 'rex@example.com')
  t.equal((await finishSignIn(app, fresh, await passkeyProof(app, fresh, own) as never)).statusCode, 200, 'a fresh sign-in still works')
})

t.test('wrong assertions count on the account throttle, as wrong codes do', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'mfa-passkey-throttle', { now: clock.now })
  const { userId } = await enrolledUser(app, clock, 'ted@example.com')
  const own = await addPasskey(app, userId)
  const other = await createUser(app, 'uma@example.com')
  const foreign = await addPasskey(app, other.json().userId as string)
  for (let round = 1; round <= 4; round += 1) {
    const ticket = await startSignIn(app, 'ted@example.com')
    t.equal((await finishSignIn(app, ticket, await passkeyProof(app, ticket, foreign) as never)).statusCode, 401, `a foreign passkey on ticket ${round}`)
  }
  const spare = await startSignIn(app, 'ted@example.com')
  const fifth = await startSignIn(app, 'ted@example.com')
  t.equal((await finishSignIn(app, fifth, await passkeyProof(app, fifth, foreign) as never)).statusCode, 401, 'a foreign passkey on ticket 5')
  const refused = await finishSignIn(app, spare, await passkeyProof(app, spare, own) as never)
  t.equal(refused.statusCode, 429, 'the account is throttled: five wrong assertions, as five wrong codes')
})

t.test('a passkey alone does not ask for a second step; the options refuse a dead ticket; exactly one proof', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'mfa-passkey-rules', { now: clock.now })
  const solo = (await createUser(app, 'val@example.com')).json().userId as string
  await addPasskey(app, solo)
  const plain = await login(app, 'val@example.com', undefined, DEVICE)
  t.equal(plain.statusCode, 200)
  t.notOk(plain.json().mfaRequired, 'without TOTP the password signs in: a passkey is a way to sign in, not a step after the password')

  const { userId } = await enrolledUser(app, clock, 'wil@example.com')
  const noPasskey = await login(app, 'wil@example.com', undefined, DEVICE)
  t.same(noPasskey.json().methods, ['totp', 'recovery_code'], 'no passkey, none offered')
  t.equal((await passkeyOptions(app, noPasskey.json().mfaToken as string)).statusCode, 401, 'and no options for a user without one')
  const own = await addPasskey(app, userId)

  const ticket = await startSignIn(app, 'wil@example.com')
  t.equal((await passkeyOptions(app, 'not-a-ticket')).statusCode, 401, 'an unknown ticket')
  t.match((await passkeyOptions(app, 'not-a-ticket')).json(), { error: { code: 'INVALID_CREDENTIALS' } })
  t.equal((await passkeyOptions(app, ticket, OTHER_DEVICE)).statusCode, 401, 'another device')
  const proof = await passkeyProof(app, ticket, own)
  t.equal((await finishSignIn(app, ticket, {})).statusCode, 400, 'no proof')
  t.equal((await finishSignIn(app, ticket, { code: '123456', ...proof } as never)).statusCode, 400, 'two proofs')
  t.match((await finishSignIn(app, ticket, { recoveryCode: 'abcd', ...proof } as never)).json(), { error: { code: 'VALIDATION_FAILED' } })
  t.equal((await finishSignIn(app, ticket, proof as never)).statusCode, 200, 'the 400s spent nothing: the ticket and its challenge still work')
  const late = await startSignIn(app, 'wil@example.com')
  clock.advance(301)
  t.equal((await passkeyOptions(app, late)).statusCode, 401, 'an expired ticket')
})
