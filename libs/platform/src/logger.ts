import type { LoggerOptions } from 'pino'
import { activeTracing } from './tracing/tracing-state.ts'

/**
 * Paths pino replaces with [Redacted] before a line is written: credentials in headers, and any
 * password, token, hash or key field at any depth we log objects at.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...['password', 'currentPassword', 'newPassword', 'passwordHash', 'token', 'accessToken', 'refreshToken',
    'refresh_token', 'access_token', 'client_secret', 'secret', 'privateKey', 'd', 'successor',
    // Second factors (not `code`: error objects carry one); bodies are never logged anyway.
    'recoveryCode', 'recoveryCodes', 'mfaToken', 'secretSealed', 'otpauthUri'].flatMap((field) => [
    field, `*.${field}`, `*.*.${field}`,
  ]),
]

export function loggerOptions(level: string, service: string): LoggerOptions {
  const tracing = activeTracing()
  return {
    level,
    // With tracing on, every line carries the trace and span ids (a log search finds the trace).
    ...(tracing === undefined ? {} : { mixin: () => tracing.ids() ?? {} }),
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  }
}
