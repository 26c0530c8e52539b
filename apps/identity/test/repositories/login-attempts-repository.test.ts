import t from 'tap'
import { useTestDynamo } from '@gatehouse/dynamo-local'
import { createLoginAttemptsRepository, type AttemptRecord, type CompareAndSetResult } from '../../src/repositories/login-attempts-repository.ts'

type Tap = typeof t

/** The counter a successful write says it stored (its revision is random: asserted as a number). */
function storedOf(t: Pick<Tap, 'ok' | 'match'>, result: CompareAndSetResult, expected: Omit<AttemptRecord, 'rev'>): AttemptRecord {
  t.ok(result.written, 'written')
  const stored = result.written ? result.stored : undefined
  t.match(stored, { ...expected, rev: Number }, 'the answer is the counter as written: the next write needs no read')
  return stored as AttemptRecord
}

t.test('a lost compare-and-set hands back the counter as stored, so the throttle needs no read to go on', async (t) => {
  const dynamo = await useTestDynamo(t, 'attempts-cas')
  const attempts = createLoginAttemptsRepository(dynamo.doc, dynamo.tables.LoginAttempts)
  const first = storedOf(t, await attempts.compareAndSet('login#a@example.com', undefined, { attempts: 1, expiresAt: 2_000_000_000 }), { attempts: 1, expiresAt: 2_000_000_000 })

  t.same(await attempts.compareAndSet('login#a@example.com', undefined, { attempts: 1, expiresAt: 2_000_000_000 }), {
    written: false,
    current: first,
  }, 'no-item condition lost: the stored counter comes back')

  const second = storedOf(t, await attempts.compareAndSet('login#a@example.com', first, { attempts: 2, lockedUntil: 1_900_000_000_000, expiresAt: 2_000_000_100 }), { attempts: 2, lockedUntil: 1_900_000_000_000, expiresAt: 2_000_000_100 })
  t.not(second.rev, first.rev, 'a new revision')
  t.same(await attempts.compareAndSet('login#a@example.com', first, { attempts: 2, expiresAt: 2_000_000_000 }), {
    written: false,
    current: second,
  }, 'stale revision: the lock comes back with it')
  t.same(await attempts.get('login#a@example.com'), { key: 'login#a@example.com', ...second }, 'the losing writes changed nothing')

  await attempts.reset('login#a@example.com')
  t.same(await attempts.compareAndSet('login#a@example.com', second, { attempts: 3, expiresAt: 2_000_000_000 }), { written: false, current: undefined }, 'a deleted counter reads as none')

  // Deleted and made again: the new counter's revision is not the old copy's, so that copy cannot win.
  const remade = storedOf(t, await attempts.compareAndSet('login#a@example.com', undefined, { attempts: 0, expiresAt: 2_000_000_000 }), { attempts: 0, expiresAt: 2_000_000_000 })
  const late = await attempts.compareAndSet('login#a@example.com', first, null)
  t.same(late, { written: false, current: remade }, 'a copy from before the delete loses against the counter made since')
})

t.test('the settling write and its companions (trust, event) are one transaction: a lost race writes none of them and hands back the counter', async (t) => {
  const dynamo = await useTestDynamo(t, 'attempts-cas-transaction')
  const attempts = createLoginAttemptsRepository(dynamo.doc, dynamo.tables.LoginAttempts)
  const held = storedOf(t, await attempts.compareAndSet('login#b@example.com', undefined, { attempts: 0, inFlight: 1, inFlightUntil: 1, expiresAt: 2_000_000_000 }), { attempts: 0, inFlight: 1, inFlightUntil: 1, expiresAt: 2_000_000_000 })
  const trust = attempts.trustItem('trusted-device#h#b@example.com', 5, 2_000_000_000)

  // Someone else's write moves the counter on: the held copy is stale.
  const moved = storedOf(t, await attempts.compareAndSet('login#b@example.com', held, { attempts: 1, expiresAt: 2_000_000_000 }), { attempts: 1, expiresAt: 2_000_000_000 })
  t.same(await attempts.compareAndSet('login#b@example.com', held, null, [trust]), { written: false, current: moved }, 'the cancelled transaction hands back the counter as stored')
  t.equal(await attempts.get('trusted-device#h#b@example.com'), undefined, 'and wrote no trust')

  t.same(await attempts.compareAndSet('login#b@example.com', moved, null, [trust]), { written: true, stored: undefined })
  t.equal(await attempts.get('login#b@example.com'), undefined, 'counter deleted')
  t.match(await attempts.get('trusted-device#h#b@example.com'), { trustedAt: 5 }, 'with the trust, in the same request')
})
