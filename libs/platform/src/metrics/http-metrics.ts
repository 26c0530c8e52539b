import { createServer as createHttpServer, type Server } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { Metrics } from './metrics.ts'

/**
 * Per-route request rate, errors and duration, labelled by the route *pattern*
 * (`/v1/users/:userId`, never the URL, which would carry ids), and the metrics listener, which
 * starts when the app listens (never under Lambda or `inject`). Metrics off: nothing is installed,
 * so requests pay nothing.
 */
export function installHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  const { registry, observeRequest, listen } = metrics
  if (registry === undefined || observeRequest === undefined || listen === undefined) return
  app.addHook('onResponse', (request, reply, done) => {
    // Unmatched URLs (404s, scanners) share one label, so they cannot grow the series without bound.
    observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000)
    done()
  })

  // A listener of its own, on METRICS_HOST (loopback by default): the public port never serves /metrics.
  let server: Server | undefined
  app.addHook('onListen', async () => {
    const metricsServer = createHttpServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
        return
      }
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      )
    })
    server = metricsServer
    await new Promise<void>((resolve, reject) => {
      metricsServer.once('error', reject).listen(listen.port, listen.host, () => resolve())
    })
    app.log.info({ metrics: `http://${listen.host}:${listen.port}/metrics` }, 'metrics listening')
  })
  app.addHook('onClose', async () => {
    if (server !== undefined) await new Promise<void>((resolve) => server!.close(() => resolve()))
  })
}
