import type { ErrorCode } from '@gatehouse/schemas'

/**
 * An error meant for the client: its status, code and message are sent as they are. Anything
 * else thrown in a handler is a 5xx whose details stay in the log.
 */
export class AppError extends Error {
  readonly statusCode: number
  readonly code: ErrorCode
  readonly details: Record<string, unknown> | undefined
  readonly headers: Record<string, string>

  constructor(
    statusCode: number,
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AppError'
    this.statusCode = statusCode
    this.code = code
    this.details = options.details
    this.headers = options.headers ?? {}
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError
}
