/**
 * Finding 8: the bcrypt line had no bound and no deadline, so a credential-stuffing burst grew it
 * without limit and compares kept running after the gateway gave up. Now excess logins get a
 * fast 503 with Retry-After, and work that waited past its deadline is dropped unrun.
 */
import bcrypt from 'bcrypt'
import t from 'tap'
import type { BcryptImpl } from '@gatehouse/crypto'
import { startRequestWatch } from '@gatehouse/dynamo-local'
import { buildTestApp, createUser, fakeClock, login } from './helper.ts'

/** Real bcrypt whose compares wait until the test opens the gate: a host saturated on demand. */
function gatedBcrypt() {
  let open: () => void = () => {}
  const gate = new Promise<void>((resolve) => { open = resolve })
  const impl = {
    started: 0,
    open: () => open(),
    hash: (data: string, rounds: number) => bcrypt.hash(data, rounds),
    compare: async (data: string, encrypted: string) => {
      impl.started += 1
      await gate
      return bcrypt.compare(data, encrypted)
    },
    getRounds: (encrypted: string) => bcrypt.getRounds(encrypted),
  }
  return impl satisfies BcryptImpl
}

type Answer = Awaited<ReturnType<typeof login>>

/** The first `count` answers to arrive, in arrival order. */
function firstAnswers(answers: Promise<Answer>[], count: number): Promise<Answer[]> {
  return new Promise((resolve) => {
    const got: Answer[] = []
    for (const answer of answers) void answer.then((res) => { got.push(res); if (got.length === count) resolve(got) })
  })
}

async function usersOn(app: Awaited<ReturnType<typeof buildTestApp>>['app'], count: number): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, i) => `queue${i}@example.com`)
  for (const email of emails) await createUser(app, email)
  return emails
}

t.test('past the queue cap a login is refused at once with 503 and Retry-After, and never runs bcrypt', async (t) => {
  const gated = gatedBcrypt()
  const { app } = await buildTestApp(t, 'bcrypt-cap', {
    now: fakeClock().now, bcrypt: gated, env: { BCRYPT_CONCURRENCY: '1', BCRYPT_QUEUE_MAX: '2', BCRYPT_QUEUE_TIMEOUT_SECONDS: '30' },
  })
  const emails = await usersOn(app, 6)
  const answers = emails.map((email) => login(app, email))
  const early = await firstAnswers(answers, 3)
  t.same(early.map((res) => res.statusCode), [503, 503, 503], 'three answered while bcrypt is still busy')
  for (const res of early) {
    t.equal(res.headers['retry-after'], '1')
    t.equal(res.json().error.code, 'SERVICE_UNAVAILABLE')
  }
  gated.open()
  const all = await Promise.all(answers)
  t.equal(all.filter((res) => res.statusCode === 200).length, 3, 'the running one and the two in line sign in')
  t.equal(gated.started, 3, 'bcrypt ran only for them')
  const again = await login(app, emails[0] as string)
  t.equal(again.statusCode, 200, 'a refused login counted nothing against its account')
})

t.test('a login that waited past the deadline is dropped unrun with 503; its account is not charged', async (t) => {
  const gated = gatedBcrypt()
  const { app } = await buildTestApp(t, 'bcrypt-deadline', {
    now: fakeClock().now, bcrypt: gated, env: { BCRYPT_CONCURRENCY: '1', BCRYPT_QUEUE_MAX: '10', BCRYPT_QUEUE_TIMEOUT_SECONDS: '0.2' },
  })
  const emails = await usersOn(app, 3)
  const answers = emails.map((email) => login(app, email))
  const dropped = await firstAnswers(answers, 2)
  t.same(dropped.map((res) => res.statusCode), [503, 503], 'the two waiting give up at the deadline')
  t.equal(dropped[0]?.headers['retry-after'], '1')
  gated.open()
  t.same((await Promise.all(answers)).map((res) => res.statusCode).sort(), [200, 503, 503], 'the one that had its turn signs in')
  t.equal(gated.started, 1, 'the dropped compares never ran')
  for (const email of emails) t.equal((await login(app, email)).statusCode, 200, 'and nothing was counted against anyone')
})

t.test('a login the full line would refuse is refused before any DynamoDB request (issue 20: a fast 503 under a burst)', async (t) => {
  const gated = gatedBcrypt()
  const probe = await buildTestApp(t, 'bcrypt-early')
  const watch = await startRequestWatch(probe.dynamo.endpoint)
  t.teardown(() => watch.close())
  const { app } = await buildTestApp(t, 'bcrypt-early-watched', {
    dynamo: probe.dynamo, now: fakeClock().now, bcrypt: gated,
    env: { DYNAMODB_ENDPOINT: watch.url, BCRYPT_CONCURRENCY: '1', BCRYPT_QUEUE_MAX: '1', BCRYPT_QUEUE_TIMEOUT_SECONDS: '30' },
  })
  const emails = await usersOn(app, 3)
  const running = login(app, emails[0] as string)
  const waiting = login(app, emails[1] as string)
  // Both are in bcrypt's line (one running, one waiting) once the gated compare has started.
  for (let tries = 0; gated.started === 0 && tries < 200; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10))
  for (let tries = 0; watch.stats.count.get('BatchGetItem') !== 2 && tries < 200; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10))
  watch.stats.reset()
  for (const email of [emails[2] as string, 'nobody@example.com']) {
    const refused = await login(app, email)
    t.equal(refused.statusCode, 503, `${email}: refused while the line is full`)
    t.equal(refused.headers['retry-after'], '1')
  }
  t.same(Object.fromEntries(watch.stats.count), {}, 'no DynamoDB request for either, known email or not')
  gated.open()
  t.same([(await running).statusCode, (await waiting).statusCode], [200, 200])
})
