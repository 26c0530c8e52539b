import { randomBytes } from 'node:crypto'
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { ADMIN_ONLY_EVENT_TYPES, type ActivityPage, type AdminActivityPage, type AdminSecurityEvent, type RevokedBy, type SecurityEvent, type SecurityEventType } from '@gatehouse/schemas'
import { coarseIp } from '../coarse-ip.ts'
import type { ExtraTransactItem } from './users.ts'

/** Where a request came from, as the gateway forwarded it (full address: coarsened on record). */
export interface EventOrigin {
  ip?: string | undefined
  userAgent?: string | undefined
}

/** What a flow records; `at` and the coarse IP are filled in by the recorder. */
export interface SecurityEventInput extends EventOrigin {
  type: SecurityEventType
  userId: string
  sessionId?: string | undefined
  method?: string | undefined
  newDevice?: boolean | undefined
  revokedBy?: RevokedBy | undefined
  /** Admin API events: the admin client that acted and the reason it gave. */
  adminClient?: string | undefined
  reason?: string | undefined
}

/** pino's shape (request.log or app.log), so the line carries the request id. */
export interface EventLog {
  info(object: object, message: string): void
  warn(object: object, message: string): void
}

/** What a service hands its flows for recording: the forwarded origin and the request's logger. */
export interface RequestOrigin extends EventOrigin {
  log: EventLog
}

export interface SecurityEventsOptions {
  /** How long an event is kept: the item's TTL (and the listing hides older ones meanwhile). */
  ttlSeconds: number
  /** Epoch milliseconds; tests move it. */
  now?: () => number
}

export interface SecurityEventsRepository {
  /**
   * Writes one log line (`event: <type>`) and one item. Never throws: a DynamoDB failure is logged
   * (the log line already holds the event) and the flow that recorded it goes on.
   */
  record(event: SecurityEventInput, log: EventLog): Promise<void>
  /**
   * The same event as one item of the caller's transaction (a sign-in writes it with its throttle
   * settling: one request). `logged` writes the log line; call it once the transaction committed.
   */
  inTransaction(event: SecurityEventInput): { item: ExtraTransactItem; logged: (log: EventLog) => void }
  /** The user's events, newest first; `cursor` is a previous page's `next`. Undefined: a bad cursor. */
  list(userId: string, page: { limit: number; cursor?: string | undefined }): Promise<ActivityPage | undefined>
  /** The same listing for the admin API: every event, with the admin client and reason of admin events. */
  listForAdmin(userId: string, page: { limit: number; cursor?: string | undefined }): Promise<AdminActivityPage | undefined>
}

const USER_AGENT_MAX = 512
const REASON_MAX = 500
/** Events that point at an attack are warnings in the log; the rest are information. */
const WARNINGS = new Set<SecurityEventType>(['refresh_reuse_detected', 'sign_in_throttled'])
/** `2030-01-01T00:00:00.000Z#<8 base64url>`: time-ordered, unique even within one millisecond. */
const EVENT_KEY = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z#[A-Za-z0-9_-]{8}$/

const encodeCursor = (eventKey: string): string => Buffer.from(eventKey, 'utf8').toString('base64url')
function decodeCursor(cursor: string): string | undefined {
  const eventKey = Buffer.from(cursor, 'base64url').toString('utf8')
  return EVENT_KEY.test(eventKey) ? eventKey : undefined
}

/**
 * Each user's security activity in one partition of SecurityEvents, sorted by time. Listing is one
 * Query on the user's key, newest first and bounded (never a Scan); items expire by TTL, and ones
 * past their expiry that TTL has not deleted yet are skipped here.
 */
export function createSecurityEventsRepository(doc: DynamoDBDocumentClient, tableName: string, options: SecurityEventsOptions): SecurityEventsRepository {
  const now = options.now ?? Date.now

  /** The log line (coarse IP, bounded user agent) and the item, built once from the event. */
  function build(event: SecurityEventInput): { line: Record<string, unknown>; item: Record<string, unknown> } {
    const at = new Date(now()).toISOString()
    const ip = coarseIp(event.ip)
    const userAgent = event.userAgent?.slice(0, USER_AGENT_MAX)
    const details = {
      ...(event.sessionId === undefined ? {} : { sessionId: event.sessionId }),
      ...(event.method === undefined ? {} : { method: event.method }),
      ...(event.newDevice === undefined ? {} : { newDevice: event.newDevice }),
      ...(event.revokedBy === undefined ? {} : { revokedBy: event.revokedBy }),
      ...(event.adminClient === undefined ? {} : { adminClient: event.adminClient }),
      ...(event.reason === undefined ? {} : { reason: event.reason.slice(0, REASON_MAX) }),
    }
    return {
      line: { event: event.type, userId: event.userId, ip, userAgent, ...details },
      item: {
        userId: event.userId,
        eventKey: `${at}#${randomBytes(6).toString('base64url')}`,
        type: event.type,
        at,
        ...(ip === undefined ? {} : { ip }),
        ...(userAgent === undefined ? {} : { userAgent }),
        ...details,
        expiresAt: Math.ceil(now() / 1000) + options.ttlSeconds,
      },
    }
  }

  const logLine = (type: SecurityEventType, line: Record<string, unknown>, log: EventLog): void => {
    if (WARNINGS.has(type)) log.warn(line, 'security event')
    else log.info(line, 'security event')
  }

  return {
    async record(event, log) {
      const { line, item } = build(event)
      logLine(event.type, line, log)
      try {
        await doc.send(new PutCommand({ TableName: tableName, Item: item }))
      } catch (error) {
        log.warn({ event: event.type, userId: event.userId, err: { name: (error as Error).name, message: (error as Error).message } }, 'security event not stored')
      }
    },

    inTransaction(event) {
      const { line, item } = build(event)
      return { item: { Put: { TableName: tableName, Item: item } }, logged: (log) => logLine(event.type, line, log) }
    },

    async list(userId, page) {
      const items = await query(userId, page)
      if (items === undefined) return undefined
      const hidden = new Set(ADMIN_ONLY_EVENT_TYPES)
      return { events: items.items.filter((item) => !hidden.has(item['type'] as SecurityEventType)).map(toPublic), ...items.next }
    },

    async listForAdmin(userId, page) {
      const items = await query(userId, page)
      if (items === undefined) return undefined
      return { events: items.items.map(toAdmin), ...items.next }
    },
  }

  async function query(userId: string, page: { limit: number; cursor?: string | undefined }): Promise<{ items: Record<string, unknown>[]; next: { next?: string } } | undefined> {
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor)
    if (page.cursor !== undefined && after === undefined) return undefined
    const { Items = [] } = await doc.send(new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'userId = :userId',
      ExpressionAttributeValues: { ':userId': userId },
      ScanIndexForward: false,
      // One more than the page: a `next` only when there is something after it (never an empty last page).
      Limit: page.limit + 1,
      ...(after === undefined ? {} : { ExclusiveStartKey: { userId, eventKey: after } }),
    }))
    const nowSec = now() / 1000
    const read = Items.slice(0, page.limit)
    const more = Items.length > page.limit
    const items = read.filter((item) => typeof item['expiresAt'] === 'number' && item['expiresAt'] > nowSec)
    const last = read.at(-1)?.['eventKey']
    return { items, next: more && typeof last === 'string' ? { next: encodeCursor(last) } : {} }
  }
}

function toAdmin(item: Record<string, unknown>): AdminSecurityEvent {
  return {
    ...toPublic(item),
    ...(typeof item['adminClient'] === 'string' ? { adminClient: item['adminClient'] } : {}),
    ...(typeof item['reason'] === 'string' ? { reason: item['reason'] } : {}),
  }
}

function toPublic(item: Record<string, unknown>): SecurityEvent {
  return {
    type: item['type'] as SecurityEventType,
    at: item['at'] as string,
    ip: typeof item['ip'] === 'string' ? item['ip'] : null,
    userAgent: typeof item['userAgent'] === 'string' ? item['userAgent'] : null,
    ...(typeof item['sessionId'] === 'string' ? { sessionId: item['sessionId'] } : {}),
    ...(typeof item['method'] === 'string' ? { method: item['method'] } : {}),
    ...(typeof item['newDevice'] === 'boolean' ? { newDevice: item['newDevice'] } : {}),
    ...(typeof item['revokedBy'] === 'string' ? { revokedBy: item['revokedBy'] as RevokedBy } : {}),
  }
}
