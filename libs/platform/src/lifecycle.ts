import type { FastifyInstance } from 'fastify'
import { ConfigError } from './config.ts'

/**
 * Starts a built app and keeps it running until SIGTERM or SIGINT, then closes gracefully:
 * no new connections, in-flight requests finish (bounded by `graceMs`), `onClose` hooks release
 * clients. A port in use or a bad configuration exits non-zero with a one-line reason.
 */
export interface Startable {
  app: FastifyInstance
  host: string
  port: number
  graceMs: number
}

export async function runService(start: () => Promise<Startable>): Promise<void> {
  let listen: Startable
  try {
    listen = await start()
  } catch (error) {
    exitWith(error)
  }
  const { app } = listen
  let closing = false
  const shutdown = (signal: string): void => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const force = setTimeout(() => {
      app.log.error('graceful shutdown timed out; exiting')
      process.exit(1)
    }, listen.graceMs + 1000)
    force.unref()
    app.close().then(() => process.exit(0), (error: unknown) => {
      app.log.error({ err: error }, 'error while closing')
      process.exit(1)
    })
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
  try {
    await app.listen({ host: listen.host, port: listen.port })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') {
      process.stderr.write(`error: port ${listen.port} on ${listen.host} is already in use; stop what holds it or set PORT\n`)
      process.exit(1)
    }
    exitWith(error)
  }
}

function exitWith(error: unknown): never {
  const message = error instanceof ConfigError ? error.message : `failed to start: ${(error as Error).stack ?? String(error)}`
  process.stderr.write(`${message}\n`)
  process.exit(1)
}
