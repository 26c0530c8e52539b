import t from 'tap'
import { createKeyRing } from '@gatehouse/crypto'
import { activateNextKey, addNextKey, describeKeySet, generateKeySet, removeRetiredKeys } from './key-set.ts'

t.test('a full rotation keeps every live token verifiable and never prints a private member', async (t) => {
  const start = new Date('2030-01-01T00:00:00Z')
  const generated = generateKeySet('ES256')
  const first = generated.keys[0]!
  t.equal(first.status, 'active')
  const oldToken = createKeyRing(generated).sign({ exp: 4e9, iss: 'x', aud: 'y' }, { typ: 'at+jwt' })

  const rotated = addNextKey(generated)
  t.same(rotated.keys.map((key) => key.status), ['active', 'next'])
  t.equal(rotated.keys[1]!.alg, 'ES256', 'the next key keeps the current algorithm unless told otherwise')
  t.equal(createKeyRing(rotated).activeKid, first.kid, 'the next key does not sign yet')
  t.equal(createKeyRing(rotated).publicJwks().keys.length, 2, 'but it is published')
  t.throws(() => addNextKey(rotated), { message: /next key already exists/ })

  const activated = activateNextKey(rotated, start)
  t.same(activated.keys.map((key) => key.status), ['retired', 'active'])
  t.equal(activated.keys[0]!.retiredAt, start.toISOString())
  const ring = createKeyRing(activated)
  t.equal(ring.activeKid, rotated.keys[1]!.kid)
  t.equal(ring.verify(oldToken, { issuer: 'x', audience: 'y', typ: 'at+jwt', now: 1 }).ok, true, 'the retired key still verifies its tokens')
  t.throws(() => activateNextKey(activated, start), { message: /no next key/ })

  t.throws(() => removeRetiredKeys(activated, new Date(start.getTime() + 899_000), 900), { message: /younger than 900 s/ })
  const retired = removeRetiredKeys(activated, new Date(start.getTime() + 900_000), 900)
  t.same(retired.removed, [first.kid])
  t.equal(retired.set.keys.length, 1)
  t.throws(() => removeRetiredKeys(retired.set, start, 0), { message: /no retired key/ })
  t.equal(removeRetiredKeys(activated, start, 900, true).removed.length, 1, '--force removes at once')

  const printed = describeKeySet(activated)
  t.notMatch(printed, /"d"|[A-Za-z0-9_-]{40,}\s*$/m)
  t.notOk(printed.includes(activated.keys[1]!.d), 'no private key material')
})

t.test('rotate can switch algorithms', async (t) => {
  const rotated = addNextKey(generateKeySet('RS256'), 'EdDSA')
  t.same(rotated.keys.map((key) => key.alg), ['RS256', 'EdDSA'])
  t.throws(() => addNextKey({ keys: [] }), { message: /exactly one active key/ })
})
