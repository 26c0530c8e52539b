import { createServer, request as forward } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What a watch saw, by DynamoDB operation (`UpdateItem`, `Query`, `Scan` …). */
export interface RequestWatchStats {
  /** Requests per operation. */
  count: Map<string, number>
  /** Most requests of one operation in flight at once. */
  peak: Map<string, number>
  reset(): void
}

export interface RequestWatch {
  /** Point a service's DYNAMODB_ENDPOINT here. */
  url: string
  stats: RequestWatchStats
  close(): Promise<void>
}

/**
 * A pass-through HTTP proxy in front of DynamoDB (Local) that counts the requests a service sends,
 * by operation, and how many of each were in flight at once. Nothing is changed or faked: tests
 * use it to show what a service really asks DynamoDB for (no Scan, bounded concurrency).
 */
export async function startRequestWatch(endpoint: string): Promise<RequestWatch> {
  const target = new URL(endpoint)
  const inFlight = new Map<string, number>()
  const stats: RequestWatchStats = {
    count: new Map(),
    peak: new Map(),
    reset() { this.count.clear(); this.peak.clear() },
  }
  const server = createServer((incoming, outgoing) => {
    const operation = String(incoming.headers['x-amz-target'] ?? 'unknown').replace(/^DynamoDB_\d+\./, '')
    stats.count.set(operation, (stats.count.get(operation) ?? 0) + 1)
    const now = (inFlight.get(operation) ?? 0) + 1
    inFlight.set(operation, now)
    stats.peak.set(operation, Math.max(stats.peak.get(operation) ?? 0, now))
    let done = false
    const finish = () => {
      if (done) return
      done = true
      inFlight.set(operation, (inFlight.get(operation) ?? 1) - 1)
    }
    const upstream = forward({ host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(outgoing)
      answer.on('end', finish)
      answer.on('error', finish)
    })
    upstream.on('error', () => {
      finish()
      outgoing.destroy()
    })
    incoming.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
