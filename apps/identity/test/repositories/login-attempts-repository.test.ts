import t from 'tap'
import { useTestDynamo } from '@gatehouse/dynamo-local'
import { createLoginAttemptsRepository } from '../../src/repositories/login-attempts-repository.ts'

t.test('a lost compare-and-set hands back the counter as stored, so the throttle needs no read to go on', async (t) => {
  const dynamo = await useTestDynamo(t, 'attempts-cas')
  const attempts = createLoginAttemptsRepository(dynamo.doc, dynamo.tables.LoginAttempts)
  t.same(await attempts.compareAndSet('login#a@example.com', undefined, { attempts: 1, expiresAt: 2_000_000_000 }), { written: true })

  t.same(await attempts.compareAndSet('login#a@example.com', undefined, { attempts: 1, expiresAt: 2_000_000_000 }), {
    written: false,
    current: { attempts: 1, expiresAt: 2_000_000_000, rev: 1 },
  }, 'no-item condition lost: the stored counter comes back')

  const first = { attempts: 1, expiresAt: 2_000_000_000, rev: 1 }
  t.same(await attempts.compareAndSet('login#a@example.com', first, { attempts: 2, lockedUntil: 1_900_000_000_000, expiresAt: 2_000_000_100 }), { written: true })
  t.same(await attempts.compareAndSet('login#a@example.com', first, { attempts: 2, expiresAt: 2_000_000_000 }), {
    written: false,
    current: { attempts: 2, lockedUntil: 1_900_000_000_000, expiresAt: 2_000_000_100, rev: 2 },
  }, 'stale revision: the lock comes back with it')
  t.same(await attempts.get('login#a@example.com'), { key: 'login#a@example.com', attempts: 2, lockedUntil: 1_900_000_000_000, expiresAt: 2_000_000_100, rev: 2 }, 'the losing writes changed nothing')

  await attempts.reset('login#a@example.com')
  t.same(await attempts.compareAndSet('login#a@example.com', { attempts: 2, expiresAt: 2_000_000_100, rev: 2 }, { attempts: 3, expiresAt: 2_000_000_000 }), { written: false, current: undefined }, 'a deleted counter reads as none')
})
