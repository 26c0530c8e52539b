import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

interface Teardown { teardown(fn: () => unknown): void }

export interface FlakyProxy {
  url: string
  /** Requests whose path ends with this fail with 503 while `failures` is above 0 (each failure takes one). */
  failPath: string
  failures: number
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** A real HTTP hop in front of a real service that can be told to fail some calls, as a network blip would. */
export async function startFlakyProxy(t: Teardown, target: string, failPath: string): Promise<FlakyProxy> {
  const proxy: FlakyProxy = { url: '', failPath, failures: 0 }
  const server = createServer((request, response) => {
    void (async () => {
      const body = await bodyOf(request)
      if ((request.url ?? '').endsWith(proxy.failPath) && proxy.failures > 0) {
        proxy.failures -= 1
        response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"SERVICE_UNAVAILABLE","message":"blip","requestId":"proxy"}}')
        return
      }
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>
      const answer = await fetch(`${target}${request.url ?? '/'}`, { method: request.method ?? 'GET', headers, ...(body.length > 0 ? { body } : {}) })
      const out = Buffer.from(await answer.arrayBuffer())
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(out)
    })().catch(() => response.writeHead(502).end())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  t.teardown(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve) }))
  return proxy
}
