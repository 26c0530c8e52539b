import type { FastifyBaseLogger } from 'fastify'
import type { Bindings, ChildLoggerOptions, Logger } from 'pino'

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const
const noop = (): void => {}

/**
 * Fastify makes a child logger for every request. pino serialises a child's bindings through the
 * redaction rules when the child is made, which under load cost the token service about 8% of
 * its CPU (profiled at 10k introspections/s) even at `warn`, where no request line is written.
 * When request logging is off (the level is above `info`), the child is made only when a line at
 * an enabled level is actually written; every line still goes through the same redacting child.
 */
export function lazyChildLoggerFactory(base: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  const logger = base as unknown as Logger
  if (options.level !== undefined || logger.isLevelEnabled('info')) return base.child(bindings, options)
  let child: FastifyBaseLogger | undefined
  const real = (): FastifyBaseLogger => (child ??= base.child(bindings, options))
  const lazy: Record<string, unknown> = {
    level: logger.level,
    silent: noop,
    isLevelEnabled: (level: string) => logger.isLevelEnabled(level),
    child: (more: Bindings, moreOptions?: ChildLoggerOptions) => real().child(more, moreOptions),
    bindings: () => ({ ...logger.bindings(), ...bindings }),
  }
  for (const level of LEVELS) {
    lazy[level] = logger.isLevelEnabled(level) ? (...args: unknown[]) => (real()[level] as (...a: unknown[]) => void)(...args) : noop
  }
  return lazy as unknown as FastifyBaseLogger
}
