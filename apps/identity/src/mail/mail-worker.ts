import { describeSendError, messageIdFor, renderTemplate, type MailTransport } from '@gatehouse/mail'
import type { FastifyBaseLogger } from 'fastify'
import { OUTBOX_SHARDS, type OutboxItem, type OutboxPayload, type OutboxRepository, type TransactItem } from './outbox-repository.ts'
import type { BoundCounters } from '@gatehouse/platform'

type Intent = Exclude<OutboxPayload, { kind: 'mail' }>
type Mail = Extract<OutboxPayload, { kind: 'mail' }>

/**
 * Turns a claimed intent into a mail: `send` with the mail and whatever must be written with it
 * (the token the link carries), or `drop` when there is nothing to send.
 */
export type IntentResolver = (intent: OutboxItem & Intent) => Promise<{ action: 'send'; mail: Mail; writes: TransactItem[] } | { action: 'drop' }>

export interface MailWorkerOptions {
  outbox: OutboxRepository
  transport: MailTransport
  log: FastifyBaseLogger
  from: string
  publicUrl: string
  resolvers: Partial<Record<Intent['kind'], IntentResolver>>
  /** Attempts before a mail is parked. */
  maxAttempts: number
  retryBaseSeconds: number
  retryMaxSeconds: number
  /** Longer than one send can take (MAIL_SEND_TIMEOUT_SECONDS), so a live attempt is never taken over. */
  leaseSeconds: number
  /** Mail per shard per pass. */
  batchSize: number
  now: () => number
  /** In [0, 1): jitter for the back-off (tests pin it). */
  random?: () => number
  /** `gatehouse_mail_deliveries_total{outcome}`: failures climbing is an SMTP or SES outage. */
  outcomes?: BoundCounters<MailOutcome>
}

export const MAIL_OUTCOMES = ['sent', 'retried', 'parked', 'dropped'] as const
export type MailOutcome = (typeof MAIL_OUTCOMES)[number]

export interface MailWorker {
  /** One pass over every shard: delivers what is due now. Returns how many items it handled. */
  runOnce(): Promise<number>
  /** Passes until nothing is due (the Lambda entry, tests). */
  drain(maxPasses?: number): Promise<number>
  /** Polls every `intervalSeconds` until `stop()`. */
  start(intervalSeconds: number): void
  /** Runs a pass soon (after an enqueue in this process), without waiting for the next poll. */
  kick(): void
  stop(): Promise<void>
}

/**
 * Delivers the outbox at least once: a mail is marked sent only after the relay accepted it, so a
 * crash between the two sends it again, with the same Message-ID. Failures back off exponentially
 * (with jitter, capped); after `maxAttempts` the mail is parked and logged, never silently dropped.
 */
export function createMailWorker(options: MailWorkerOptions): MailWorker {
  const random = options.random ?? Math.random
  let running: Promise<number> | undefined
  let again = false
  let timer: NodeJS.Timeout | undefined
  let stopped = false

  const backoffMs = (attempts: number) => {
    const ceiling = Math.min(options.retryMaxSeconds, options.retryBaseSeconds * 2 ** (attempts - 1)) * 1000
    // Half fixed, half jitter: retries from many mails after one outage do not arrive together.
    return Math.round(ceiling / 2 + (ceiling / 2) * random())
  }

  async function deliver(item: OutboxItem & Mail): Promise<void> {
    const rendered = renderTemplate(item.template, item.data as never, { publicUrl: options.publicUrl })
    await options.transport.send({ messageId: messageIdFor(item.mailId, options.from), to: item.to, ...rendered })
  }

  async function handle(mailId: string): Promise<void> {
    const claimed = await options.outbox.claim(mailId, options.leaseSeconds)
    if (claimed === undefined) return
    let item = claimed
    try {
      if (item.kind !== 'mail') {
        const resolver = options.resolvers[item.kind]
        if (resolver === undefined) throw new Error(`no resolver for ${item.kind}`)
        const resolved = await resolver(item)
        if (resolved.action === 'drop') {
          await options.outbox.markDropped(mailId)
          options.outcomes?.dropped.inc()
          return
        }
        await options.outbox.transact([...resolved.writes, options.outbox.resolveItem(item, resolved.mail)])
        item = { ...item, ...resolved.mail }
      }
      await deliver(item as OutboxItem & Mail)
    } catch (error) {
      const reason = describeSendError(error)
      if (item.attempts >= options.maxAttempts) {
        await options.outbox.park(mailId, reason)
        options.outcomes?.parked.inc()
        // The id and template identify the mail for an operator; no address, data or token.
        options.log.error({ mailId, template: item.kind === 'mail' ? item.template : item.kind, attempts: item.attempts, reason }, 'mail parked after repeated failures')
      } else {
        await options.outbox.reschedule(mailId, options.now() + backoffMs(item.attempts), reason)
        options.outcomes?.retried.inc()
        options.log.warn({ mailId, attempts: item.attempts, reason }, 'mail delivery failed, will retry')
      }
      return
    }
    await options.outbox.markSent(mailId)
    options.outcomes?.sent.inc()
  }

  async function pass(): Promise<number> {
    let handled = 0
    for (let shard = 0; shard < OUTBOX_SHARDS; shard += 1) {
      const ids = await options.outbox.due(shard, options.batchSize)
      for (const id of ids) {
        await handle(id)
        handled += 1
      }
    }
    return handled
  }

  /** One pass at a time per process; a kick during a pass runs one more after it. */
  function runOnce(): Promise<number> {
    if (running !== undefined) {
      again = true
      return running
    }
    running = (async () => {
      let total = 0
      do {
        again = false
        total += await pass()
      } while (again && !stopped)
      return total
    })().finally(() => { running = undefined })
    return running
  }

  const safeRun = () => {
    runOnce().catch((error: unknown) => options.log.error({ reason: describeSendError(error) }, 'mail worker pass failed'))
  }

  return {
    runOnce,
    async drain(maxPasses = 100) {
      let total = 0
      for (let passes = 0; passes < maxPasses; passes += 1) {
        const handled = await runOnce()
        total += handled
        if (handled === 0) break
      }
      return total
    },
    start(intervalSeconds) {
      timer = setInterval(safeRun, intervalSeconds * 1000)
      timer.unref()
    },
    kick() {
      if (!stopped) setImmediate(safeRun)
    },
    async stop() {
      stopped = true
      if (timer !== undefined) clearInterval(timer)
      await running?.catch(() => undefined)
    },
  }
}
