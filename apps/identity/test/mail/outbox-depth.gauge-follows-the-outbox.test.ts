/**
 * The outbox depth gauge on identity's metrics listener: a queued mail raises `pending`, its
 * delivery lowers it, and a mail that keeps failing moves from `pending` to `parked`. Counted on
 * the due index (by key) when scraped.
 */
import t from 'tap'
import { freePort } from '@gatehouse/dynamo-local'
import { buildMailKit } from './helper.ts'

t.test('pending rises when a mail is queued and falls when it is delivered; a failing mail ends up parked', async (t) => {
  const port = await freePort()
  const kit = await buildMailKit(t, 'outbox-depth', { METRICS_PORT: String(port), MAIL_MAX_ATTEMPTS: '2' })
  await kit.app.listen({ port: 0, host: '127.0.0.1' })
  const depth = async () => {
    kit.clock.advance(6) // past the scrape cache
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    const read = (state: string) => {
      const line = text.split('\n').find((candidate) => candidate.startsWith('gatehouse_mail_outbox_depth{') && candidate.includes(`state="${state}"`))
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
    }
    return { pending: read('pending'), parked: read('parked') }
  }
  t.same(await depth(), { pending: 0, parked: 0 }, 'an empty outbox')

  await kit.mail.notices.enqueueNotice({ email: 'a@example.com' }, 'password-changed', {})
  await kit.mail.notices.enqueueNotice({ email: 'b@example.com' }, 'password-changed', {})
  t.same(await depth(), { pending: 2, parked: 0 }, 'two queued')
  t.equal(await kit.worker.drain(), 2)
  t.equal(kit.smtp.mails.length, 2)
  t.same(await depth(), { pending: 0, parked: 0 }, 'delivered mail is no longer counted')

  await kit.smtp.stop()
  await kit.mail.notices.enqueueNotice({ email: 'c@example.com' }, 'password-changed', {})
  t.equal(await kit.worker.drain(), 1)
  t.same(await depth(), { pending: 1, parked: 0 }, 'backing off is still pending')
  kit.clock.advance(60)
  t.equal(await kit.worker.drain(), 1)
  t.same(await depth(), { pending: 0, parked: 1 }, 'parked after MAIL_MAX_ATTEMPTS')
  t.equal(await kit.worker.drain(), 0, 'a parked mail is never claimed again')

  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  t.match(text, /gatehouse_mail_deliveries_total\{outcome="parked"[^}]*\} 1/, 'the failure is counted too')
  t.match(text, /gatehouse_mail_deliveries_total\{outcome="retried"[^}]*\} 1/)
  t.notOk(text.includes('example.com'), 'no address in any series')
})
