import t from 'tap'
import { useTestDynamo } from '@gatehouse/dynamo-local'
import { createLoginAttemptsRepository } from '../../src/repositories/login-attempts-repository.ts'

t.test('a lost compare-and-set hands back the counter as stored, so the throttle needs no read to go on', async (t) => {
  const dynamo = await useTestDynamo(t, 'attempts-cas')
  const attempts = createLoginAttemptsRepository(dynamo.doc, dynamo.tables.LoginAttempts)
  t.same(await attempts.compareAndSet('login#a@example.com', undefined, { attempts: 1, expiresAt: 2_000_000_000 }), { written: true, stored: { attempts: 1, expiresAt: 2_000_000_000, rev: 1 } }, 'the answer is the counter as written: the next write needs no read')

  t.same(await attempts.compareAndSet('login#a@example.com', undefined, { attempts: 1, expiresAt: 2_000_000_000 }), {
    written: false,
    current: { attempts: 1, expiresAt: 2_000_000_000, rev: 1 },
  }, 'no-item condition lost: the stored counter comes back')

  const first = { attempts: 1, expiresAt: 2_000_000_000, rev: 1 }
  t.same(await attempts.compareAndSet('login#a@example.com', first, { attempts: 2, lockedUntil: 1_900_000_000_000, expiresAt: 2_000_000_100 }), { written: true, stored: { attempts: 2, lockedUntil: 1_900_000_000_000, expiresAt: 2_000_000_100, rev: 2 } })
  t.same(await attempts.compareAndSet('login#a@example.com', first, { attempts: 2, expiresAt: 2_000_000_000 }), {
    written: false,
    current: { attempts: 2, lockedUntil: 1_900_000_000_000, expiresAt: 2_000_000_100, rev: 2 },
  }, 'stale revision: the lock comes back with it')
  t.same(await attempts.get('login#a@example.com'), { key: 'login#a@example.com', attempts: 2, lockedUntil: 1_900_000_000_000, expiresAt: 2_000_000_100, rev: 2 }, 'the losing writes changed nothing')

  await attempts.reset('login#a@example.com')
  t.same(await attempts.compareAndSet('login#a@example.com', { attempts: 2, expiresAt: 2_000_000_100, rev: 2 }, { attempts: 3, expiresAt: 2_000_000_000 }), { written: false, current: undefined }, 'a deleted counter reads as none')
})

t.test('the settling write and its companions (trust, event) are one transaction: a lost race writes none of them and hands back the counter', async (t) => {
  const dynamo = await useTestDynamo(t, 'attempts-cas-transaction')
  const attempts = createLoginAttemptsRepository(dynamo.doc, dynamo.tables.LoginAttempts)
  const written = await attempts.compareAndSet('login#b@example.com', undefined, { attempts: 0, inFlight: 1, inFlightUntil: 1, expiresAt: 2_000_000_000 })
  t.ok(written.written)
  const held = written.written ? written.stored : undefined
  const trust = attempts.trustItem('trusted-device#h#b@example.com', 5, 2_000_000_000)

  // Someone else's write moves the counter on: the held copy is stale.
  t.ok((await attempts.compareAndSet('login#b@example.com', held, { attempts: 1, expiresAt: 2_000_000_000 })).written)
  t.same(await attempts.compareAndSet('login#b@example.com', held, null, [trust]), { written: false, current: { attempts: 1, expiresAt: 2_000_000_000, rev: 2 } }, 'the cancelled transaction hands back the counter as stored')
  t.equal(await attempts.get('trusted-device#h#b@example.com'), undefined, 'and wrote no trust')

  t.same(await attempts.compareAndSet('login#b@example.com', { attempts: 1, expiresAt: 2_000_000_000, rev: 2 }, null, [trust]), { written: true, stored: undefined })
  t.equal(await attempts.get('login#b@example.com'), undefined, 'counter deleted')
  t.match(await attempts.get('trusted-device#h#b@example.com'), { trustedAt: 5 }, 'with the trust, in the same request')
})
