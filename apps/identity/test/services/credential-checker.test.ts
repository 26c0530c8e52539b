import t from 'tap'
import { createPasswordHasher } from '@gatehouse/crypto'
import { useTestDynamo } from '@gatehouse/dynamo-local'
import { createUsersRepository, type LoginRecord, type UsersRepository } from '@gatehouse/dynamo'
import { createCredentialChecker } from '../../src/services/credential-checker.ts'
import { countingBcrypt } from '../helper.ts'

type Tap = typeof t

/*
 * DynamoDB Local updates a GSI at once, but real DynamoDB may lag by up to about a second. The
 * repository stays real (DynamoDB Local, never mocked); only its index answer is replaced to play
 * a lagging index.
 */
async function setup(t: { teardown(fn: () => unknown): void; equal: Tap["equal"] }, label: string, indexAnswer: (email: string, real: UsersRepository) => Promise<LoginRecord | undefined>) {
  const dynamo = await useTestDynamo(t, label)
  const real = createUsersRepository(dynamo.doc, dynamo.tables.Users)
  const totpRef = (userId: string) => ({ tableName: dynamo.tables.Factors, key: { userId, factor: 'totp' } })
  const users: UsersRepository = { ...real, findByEmailIndex: (email) => indexAnswer(email, real) }
  const bcrypt = countingBcrypt()
  const hasher = createPasswordHasher({ cost: 4, impl: bcrypt })
  const checker = createCredentialChecker({ users, hasher, iso: () => new Date().toISOString(), totpRef })
  const add = async (email: string, password: string) => {
    const createdAt = new Date().toISOString()
    const user = { userId: crypto.randomUUID(), email, passwordHash: await hasher.hash(password), scope: 'openid', createdAt, updatedAt: createdAt }
    t.equal(await real.create(user), 'created')
    return user
  }
  return { real, checker, bcrypt, hasher, add, totpRef }
}


t.test('an index miss right after sign-up falls back to the consistent guard read', async (t) => {
  const { checker, bcrypt, add } = await setup(t, 'cc-lag', async () => undefined)
  const user = await add('new@example.com', 'amber-sparrow-71')
  bcrypt.compares = 0
  t.match(await checker.check('new@example.com', 'amber-sparrow-71'), { userId: user.userId, scope: 'openid' })
  t.equal(await checker.check('new@example.com', 'wrong-password-1'), undefined)
  t.equal(bcrypt.compares, 4, 'an account the index has not caught up with pays the dummy compare and its real one')
  bcrypt.compares = 0
  t.equal(await checker.check('missing@example.com', 'amber-sparrow-71'), undefined)
  t.equal(bcrypt.compares, 1, 'an unknown email: exactly one compare, against the dummy hash')
})

t.test('an unknown email reads the guard while the dummy compare runs: no extra round trip', async (t) => {
  const events: string[] = []
  const { checker, hasher, real, totpRef } = await setup(t, 'cc-parallel', async () => undefined)
  await hasher.verifyDummy('warm-up')
  const tracked = createCredentialChecker({
    users: {
      ...real,
      findByEmailIndex: async () => undefined,
      emailOwner: async (email) => {
        events.push('guard read started')
        const owner = await real.emailOwner(email)
        events.push('guard read done')
        return owner
      },
    },
    hasher: { ...hasher, verifyDummy: async (password) => { events.push('dummy compare started'); return hasher.verifyDummy(password) } },
    iso: () => new Date().toISOString(),
    totpRef,
  })
  t.equal(await tracked.check('nobody@example.com', 'amber-sparrow-71'), undefined)
  t.same(events.slice(0, 2).sort(), ['dummy compare started', 'guard read started'], 'both started before either finished')
  t.equal(events[2], 'guard read done')
  t.equal(await checker.check('nobody@example.com', 'amber-sparrow-71'), undefined)
})

t.test('a stale index hash after a password change: the new password works, the old one does not', async (t) => {
  const lag: { stale?: LoginRecord | undefined } = {}
  const { real, checker, hasher, add } = await setup(t, 'cc-stale', async (email, repo) => lag.stale ?? repo.findByEmailIndex(email))
  const user = await add('changer@example.com', 'old-password-here-1')
  lag.stale = await real.findByEmailIndex('changer@example.com')
  t.ok(lag.stale, 'index answers')
  t.ok(await real.replacePasswordHash(user.userId, user.passwordHash, await hasher.hash('new-password-here-2'), new Date().toISOString()))
  t.match(await checker.check('changer@example.com', 'new-password-here-2'), { userId: user.userId })
  t.equal(await checker.check('changer@example.com', 'old-password-here-1'), undefined)
})

t.test('replacing a hash fails when it changed in between (no lost update)', async (t) => {
  const { real, add } = await setup(t, 'cc-cas', (email, repo) => repo.findByEmailIndex(email))
  const user = await add('cas@example.com', 'first-password-123')
  t.equal(await real.replacePasswordHash(user.userId, 'not-the-current-hash', 'x', new Date().toISOString()), false)
  t.equal((await real.getById(user.userId))?.passwordHash, user.passwordHash)
})
