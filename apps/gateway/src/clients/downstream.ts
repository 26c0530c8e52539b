import { Pool } from 'undici'
import type { Static, TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { FastifyBaseLogger } from 'fastify'
import { AppError, basicAuthorization, CLIENT_IP_HEADER, CLIENT_USER_AGENT_HEADER, REQUEST_ID_HEADER } from '@gatehouse/platform'
import { ErrorCodes, type ErrorResponse } from '@gatehouse/schemas'

export interface DownstreamOptions {
  /** Shown in logs and in the public 503 message ("the identity service"). */
  name: string
  url: string
  timeoutMs: number
  clientId: string
  clientSecret: string
}

/**
 * The request being served: its id is forwarded, its logger carries that id, and the client's
 * address and user agent (when it is a client request) go along for the security events.
 */
export interface CallContext {
  id: string
  log: FastifyBaseLogger
  ip?: string
  headers?: { 'user-agent'?: string | undefined }
}

export interface DownstreamCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  path: string
  json?: unknown
  form?: Record<string, string>
  /** Public endpoints (the JWKS) are fetched without the service credentials. */
  anonymous?: boolean
}

export interface DownstreamAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: unknown
}

export interface Downstream {
  readonly name: string
  call(context: CallContext, call: DownstreamCall): Promise<DownstreamAnswer>
  close(): Promise<void>
}

/**
 * One keep-alive connection pool per internal service. Every call is bounded by the service's
 * timeout end to end (connect, headers and body), so a dead or stuck service costs the caller at
 * most that long and answers 503, never a hang and never a stack trace.
 */
export function createDownstream(options: DownstreamOptions): Downstream {
  const pool = new Pool(options.url.replace(/\/$/, ''), {
    connections: 64,
    keepAliveTimeout: 30_000,
    connect: { timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  })
  const authorization = basicAuthorization(options.clientId, options.clientSecret)

  const unavailable = (log: FastifyBaseLogger, reason: string, cause?: unknown): AppError => {
    log.warn({ downstream: options.name, reason, code: (cause as { code?: string } | undefined)?.code }, 'downstream unavailable')
    return new AppError(503, ErrorCodes.SERVICE_UNAVAILABLE, `The ${options.name} service is unavailable; try again shortly`, {
      headers: { 'retry-after': '1' },
      cause,
    })
  }

  return {
    name: options.name,
    async call(context, call) {
      const headers: Record<string, string> = { accept: 'application/json', [REQUEST_ID_HEADER]: context.id }
      if (call.anonymous !== true) headers['authorization'] = authorization
      if (context.ip !== undefined) headers[CLIENT_IP_HEADER] = context.ip
      const userAgent = context.headers?.['user-agent']
      if (userAgent !== undefined && userAgent !== '') headers[CLIENT_USER_AGENT_HEADER] = userAgent.slice(0, 512)
      let body: string | undefined
      if (call.json !== undefined) {
        headers['content-type'] = 'application/json'
        body = JSON.stringify(call.json)
      } else if (call.form !== undefined) {
        headers['content-type'] = 'application/x-www-form-urlencoded'
        body = new URLSearchParams(call.form).toString()
      }
      const signal = AbortSignal.timeout(options.timeoutMs)
      let answer: DownstreamAnswer
      try {
        const response = await pool.request({ method: call.method, path: call.path, headers, body, signal })
        const text = await response.body.text()
        answer = { status: response.statusCode, headers: response.headers, body: parseJson(text) }
      } catch (error) {
        throw unavailable(context.log, signal.aborted ? 'timeout' : 'request failed', error)
      }
      if (answer.status >= 500) throw unavailable(context.log, `answered ${answer.status}`)
      return answer
    },
    close: () => pool.close(),
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The `{error:{code,message,details}}` of a downstream answer, when it has that shape. */
export function downstreamError(answer: DownstreamAnswer): { code: string; message: string; details: Record<string, unknown> } {
  const error = (answer.body as Partial<ErrorResponse> | undefined)?.error
  return { code: error?.code ?? 'UNKNOWN', message: error?.message ?? '', details: error?.details ?? {} }
}

/**
 * An answer the gateway did not expect (its own credentials refused, a schema mismatch between
 * versions): a server fault, logged with what the service said and hidden from the client.
 */
export function unexpectedAnswer(context: CallContext, downstream: Downstream, answer: DownstreamAnswer): AppError {
  const { code } = downstreamError(answer)
  context.log.error({ downstream: downstream.name, status: answer.status, code }, 'unexpected downstream answer')
  return new AppError(500, ErrorCodes.INTERNAL, 'Internal server error')
}

/** Retry-After from a 429 answer: the header, else details.retryAfterSeconds, else 1. */
export function retryAfterSeconds(answer: DownstreamAnswer): number {
  const header = Number(answer.headers['retry-after'])
  const detail = Number(downstreamError(answer).details['retryAfterSeconds'])
  const value = Number.isFinite(header) && header > 0 ? header : Number.isFinite(detail) && detail > 0 ? detail : 1
  return Math.ceil(value)
}

/**
 * The body of a success answer, checked against the shared schema: an introspection answer or a
 * token pair that does not fit (version skew, a bug) is a server fault, never trusted.
 */
export function checkedBody<T extends TSchema>(context: CallContext, downstream: Downstream, answer: DownstreamAnswer, schema: T): Static<T> {
  if (!Value.Check(schema, answer.body)) throw unexpectedAnswer(context, downstream, answer)
  return answer.body as Static<T>
}
