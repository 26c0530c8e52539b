import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { UsersRepository } from '@gatehouse/dynamo'
import { createMailTransport, type MailTransport } from '@gatehouse/mail'
import type { FastifyBaseLogger } from 'fastify'
import type { IdentityConfig } from '../config.ts'
import { createMailWorker, MAIL_OUTCOMES, type IntentResolver, type MailWorker } from './mail-worker.ts'
import { createNoticeService, type NoticeService } from './notices.ts'
import { createOutboxRepository, type OutboxRepository } from './outbox-repository.ts'
import type { Metrics } from '@gatehouse/platform'

export interface MailSetup {
  outbox: OutboxRepository
  notices: NoticeService
  /** Present when this process delivers (MAIL_WORKER=on, or the mail-worker Lambda). */
  worker: MailWorker | undefined
  /** Intent resolvers are registered by the features that queue intents (password reset). */
  resolvers: Partial<Record<'password-reset-request', IntentResolver>>
  close(): Promise<void>
}

export interface MailSetupOptions {
  config: IdentityConfig
  doc: DynamoDBDocumentClient
  outboxTable: string
  users: UsersRepository
  log: FastifyBaseLogger
  now: () => number
  deliver: boolean
  /** Tests pin the jitter. */
  random?: () => number
  transport?: MailTransport
  metrics?: Metrics
}

/** The outbox, the notice API and (when this process delivers) the worker with its transport. */
export function setUpMail(options: MailSetupOptions): MailSetup {
  const { config } = options
  const outbox = createOutboxRepository(options.doc, options.outboxTable, options.now)
  const resolvers: MailSetup['resolvers'] = {}
  let transport: MailTransport | undefined
  let worker: MailWorker | undefined
  if (options.deliver) {
    transport = options.transport ?? createMailTransport(config)
    worker = createMailWorker({
      outbox,
      transport,
      log: options.log,
      from: config.MAIL_FROM,
      publicUrl: config.PUBLIC_URL,
      resolvers,
      maxAttempts: config.MAIL_MAX_ATTEMPTS,
      retryBaseSeconds: config.MAIL_RETRY_BASE_SECONDS,
      retryMaxSeconds: config.MAIL_RETRY_MAX_SECONDS,
      leaseSeconds: Math.ceil(config.MAIL_SEND_TIMEOUT_SECONDS * 4 + 30),
      batchSize: 25,
      now: options.now,
      ...(options.random === undefined ? {} : { random: options.random }),
      ...(options.metrics?.enabled === true
        ? { outcomes: options.metrics.counters('gatehouse_mail_deliveries_total', 'Outbox mail handled by the worker, by outcome', 'outcome', MAIL_OUTCOMES) }
        : {}),
    })
  }
  if (options.metrics?.enabled === true) registerOutboxDepth(options.metrics, outbox, options.now)
  const notices = createNoticeService({ outbox, users: options.users, worker })
  return {
    outbox,
    notices,
    worker,
    resolvers,
    async close() {
      await worker?.stop()
      transport?.close()
    },
  }
}

/** Scrapes closer together than this share one count (several Prometheus servers, a fast scrape interval). */
const DEPTH_CACHE_MS = 5_000

/**
 * `gatehouse_mail_outbox_depth{state}`: pending climbing is a worker or relay that cannot keep up,
 * parked above 0 is mail that will not go out without an operator. Counted when scraped (8
 * `Select: COUNT` queries on the due index), so it costs nothing between scrapes.
 */
function registerOutboxDepth(metrics: Metrics, outbox: OutboxRepository, now: () => number): void {
  let cached: { at: number; depth: Promise<{ pending: number; parked: number }> } | undefined
  metrics.gauges('gatehouse_mail_outbox_depth', 'Outbox mail by state: pending (queued, backing off or in hand) and parked (failed too often)', 'state', ['pending', 'parked'] as const, () => {
    const at = now()
    if (cached === undefined || at - cached.at >= DEPTH_CACHE_MS || at < cached.at) {
      const depth = outbox.depth()
      cached = { at, depth }
      depth.catch(() => { cached = undefined })
    }
    return cached.depth
  })
}
