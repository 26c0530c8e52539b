import { Writable } from 'node:stream'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { useTestDynamo, type TestDynamo } from '@gatehouse/dynamo-local'
import { startTestSmtpServer, type TestSmtpServer } from '@gatehouse/mail/testing'
import pino from 'pino'
import { buildIdentity, type BuildOptions, type Identity } from '../../src/app.ts'
import { fakeClock, testConfig } from '../helper.ts'

type Tap = { teardown(fn: () => unknown): void }

export interface MailTestKit extends Identity {
  dynamo: TestDynamo
  smtp: TestSmtpServer
  clock: ReturnType<typeof fakeClock>
  /** Every log line identity wrote, as parsed JSON. */
  logs: Record<string, unknown>[]
  worker: NonNullable<Identity['mail']['worker']>
  outboxItem(mailId: string): Promise<Record<string, unknown> | undefined>
}

/**
 * Identity with its mail worker on, delivering to a real SMTP server in this process, on a clock
 * the test moves (the worker is driven by `worker.drain()`, not by its poll timer).
 */
export async function buildMailKit(t: Tap, label: string, env: Record<string, string> = {}, shared?: { dynamo: TestDynamo; smtp: TestSmtpServer; clock: ReturnType<typeof fakeClock> }, build: Pick<BuildOptions, 'bcrypt'> = {}): Promise<MailTestKit> {
  const dynamo = shared?.dynamo ?? (await useTestDynamo(t, label))
  const smtp = shared?.smtp ?? (await startTestSmtpServer(t))
  const clock = shared?.clock ?? fakeClock()
  const logs: Record<string, unknown>[] = []
  const logger = pino({ level: 'info' }, new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>)
      callback()
    },
  }))
  const identity = await buildIdentity(testConfig(dynamo, {
    SMTP_URL: smtp.url,
    MAIL_WORKER: 'on',
    MAIL_POLL_SECONDS: '300',
    MAIL_FROM: 'gatehouse <no-reply@id.example.com>',
    PUBLIC_URL: 'https://id.example.com',
    MAIL_SEND_TIMEOUT_SECONDS: '2',
    MAIL_RETRY_BASE_SECONDS: '10',
    MAIL_RETRY_MAX_SECONDS: '60',
    LOG_LEVEL: 'info',
    ...env,
  }), { now: clock.now, random: () => 0.5, logger, ...build })
  t.teardown(() => identity.app.close())
  const worker = identity.mail.worker
  if (worker === undefined) throw new Error('worker expected')
  return {
    ...identity,
    dynamo,
    smtp,
    clock,
    logs,
    worker,
    async outboxItem(mailId) {
      const { Item } = await dynamo.doc.send(new GetCommand({ TableName: dynamo.tables.MailOutbox, Key: { mailId }, ConsistentRead: true }))
      return Item
    },
  }
}
