import t from 'tap'
import { useTestDynamo } from '@gatehouse/dynamo-local'
import { createChallengesRepository } from '../../src/passkeys/challenges-repository.ts'
import { createPasskeyService, passkeyAmr } from '../../src/passkeys/passkey-service.ts'
import { createPasskeysRepository } from '../../src/passkeys/passkeys-repository.ts'
import { fakeClock } from '../helper.ts'

const clientData = (challenge: string): string => Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin: 'http://localhost:3000' })).toString('base64url')
const assertion = (challenge: string) => ({
  id: 'Y3JlZA', rawId: 'Y3JlZA', type: 'public-key' as const, clientExtensionResults: {},
  response: { clientDataJSON: clientData(challenge), authenticatorData: 'AA', signature: 'AA' },
})

t.test('two concurrent uses of one challenge: exactly one gets it', async (t) => {
  const dynamo = await useTestDynamo(t, 'webauthn-challenge')
  const challenges = createChallengesRepository(dynamo.doc, dynamo.tables.WebAuthnChallenges)
  await challenges.put({ challenge: 'abc', purpose: 'sign-in', expiresAt: 2_000_000_000 })
  const results = await Promise.all([challenges.consume('abc'), challenges.consume('abc'), challenges.consume('abc')])
  t.equal(results.filter((r) => r !== undefined).length, 1)
  t.equal(await challenges.consume('abc'), undefined, 'and it is gone')
})

t.test('a sign-in challenge is refused once expired, used, or meant for registration', async (t) => {
  const dynamo = await useTestDynamo(t, 'webauthn-rules')
  const clock = fakeClock()
  const challenges = createChallengesRepository(dynamo.doc, dynamo.tables.WebAuthnChallenges)
  const service = createPasskeyService({
    passkeys: createPasskeysRepository(dynamo.doc, dynamo.tables.Passkeys),
    challenges,
    findUser: async () => ({ email: 'a@example.com', scope: 'openid' }),
    config: { rpId: 'localhost', rpName: 'test', origins: ['http://localhost:3000'], challengeTtlSeconds: 300, maxPerUser: 20 },
    now: clock.now,
  })
  const options = await service.authenticationOptions()
  t.equal(options.rpId, 'localhost')
  clock.advance(301)
  await t.rejects(service.verify(assertion(options.challenge)), { message: 'The passkey could not be verified' }, 'expired')
  t.equal(await challenges.consume(options.challenge), undefined, 'consumed even though it failed: never retried')

  const registration = await service.registrationOptions('00000000-0000-4000-8000-000000000001')
  t.equal(registration.authenticatorSelection?.residentKey, 'required', 'discoverable credentials')
  await t.rejects(service.verify(assertion(registration.challenge)), { message: 'The passkey could not be verified' }, 'a registration challenge cannot sign in')
  await t.rejects(service.verify(assertion('never-issued')), { message: 'The passkey could not be verified' }, 'an unknown challenge')
  await t.rejects(service.verify({ ...assertion('x'), response: { clientDataJSON: 'not json', authenticatorData: 'AA', signature: 'AA' } }), { message: 'The passkey could not be verified' }, 'garbage client data')
})

t.test('amr: synced passkeys are software keys, device-bound ones hardware; mfa only with user verification', async (t) => {
  t.same(passkeyAmr('multiDevice', true), ['swk', 'mfa'])
  t.same(passkeyAmr('singleDevice', true), ['hwk', 'mfa'])
  t.same(passkeyAmr('singleDevice', false), ['hwk'])
})
