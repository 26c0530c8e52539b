import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ErrorCodes, type ErrorCode, type ErrorResponse } from '@gatehouse/schemas'
import { AppError } from './app-error.ts'

/** Fastify's own 4xx codes, mapped to ours with messages a client can act on. */
const FASTIFY_CODES: Record<string, { code: ErrorCode; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: ErrorCodes.PAYLOAD_TOO_LARGE, message: 'Request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: ErrorCodes.UNSUPPORTED_MEDIA_TYPE, message: 'Unsupported Content-Type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: ErrorCodes.VALIDATION_FAILED, message: 'Content-Length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: ErrorCodes.MALFORMED_JSON, message: 'Body is empty but Content-Type is application/json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: ErrorCodes.MALFORMED_JSON, message: 'Body is not valid JSON' },
}

export function sendError(
  reply: FastifyReply,
  statusCode: number,
  code: ErrorCode | string,
  message: string,
  details?: Record<string, unknown>,
): FastifyReply {
  const body: ErrorResponse = { error: { code, message, requestId: String(reply.request.id), ...(details === undefined ? {} : { details }) } }
  return reply.code(statusCode).type('application/json; charset=utf-8').send(body)
}

/**
 * One error handler for every service: client errors keep their status and get a clear message
 * in the shared shape; server errors are logged with the request id and answered with a generic
 * message, so no stack trace, query or secret reaches the client.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value)
      if (error.statusCode >= 500) request.log.error({ err: error }, 'request failed')
      return sendError(reply, error.statusCode, error.code, error.message, error.details)
    }
    const fastifyError = error as FastifyError
    if (fastifyError.validation !== undefined) {
      return sendError(reply, 400, ErrorCodes.VALIDATION_FAILED, fastifyError.message, {
        issues: fastifyError.validation.map((issue) => ({
          path: `${fastifyError.validationContext ?? ''}${issue.instancePath}`,
          message: issue.message ?? 'is invalid',
          ...(issue.keyword === 'additionalProperties' ? { property: (issue.params as { additionalProperty?: string }).additionalProperty } : {}),
        })),
      })
    }
    const known = fastifyError.code === undefined ? undefined : FASTIFY_CODES[fastifyError.code]
    const status = fastifyError.statusCode ?? 500
    if (status === 429) {
      return sendError(reply, 429, ErrorCodes.RATE_LIMITED, fastifyError.message || 'Too many requests')
    }
    if (status >= 400 && status < 500) {
      if (fastifyError instanceof SyntaxError) return sendError(reply, 400, ErrorCodes.MALFORMED_JSON, 'Body is not valid JSON')
      return sendError(reply, status, known?.code ?? ErrorCodes.VALIDATION_FAILED, known?.message ?? fastifyError.message)
    }
    request.log.error({ err: error }, 'unhandled error')
    return sendError(reply, 500, ErrorCodes.INTERNAL, 'Internal server error')
  })

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, ErrorCodes.NOT_FOUND, `Route ${request.method} ${request.url.split('?')[0]} not found`))
}
