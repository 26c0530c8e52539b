import t from 'tap'
import { createServer, registerHealthRoutes } from '../src/index.ts'

t.test('under pressure every request gets 503 with Retry-After in the shared error shape, except liveness', async (t) => {
  // A heap limit no process fits under: the first sample puts the server under pressure.
  const app = createServer({ service: 'test', logLevel: 'silent', bodyLimit: 1024, loadShedding: { maxEventLoopDelaySeconds: 0, maxHeapUsedFraction: 0.000001, sampleIntervalMs: 100 } })
  app.get('/work', async () => ({ done: true }))
  registerHealthRoutes(app, {})
  t.teardown(() => app.close())
  await app.ready()
  let shed = await app.inject({ method: 'GET', url: '/work' })
  while (shed.statusCode === 200) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    shed = await app.inject({ method: 'GET', url: '/work' })
  }
  t.equal(shed.statusCode, 503)
  t.equal(shed.headers['retry-after'], '1')
  t.match(shed.json(), { error: { code: 'SERVICE_UNAVAILABLE', message: String, requestId: String } })
  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 503, 'readiness steers the load balancer away: ' + ready.body)
  t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200, 'liveness still answers: a busy process is not a dead one')
})

t.test('with room to spare nothing is shed', async (t) => {
  const app = createServer({ service: 'test', logLevel: 'silent', bodyLimit: 1024, loadShedding: { maxEventLoopDelaySeconds: 1, maxHeapUsedFraction: 0.95, sampleIntervalMs: 100 } })
  app.get('/work', async () => ({ done: true }))
  t.teardown(() => app.close())
  await app.ready()
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal((await app.inject({ method: 'GET', url: '/work' })).statusCode, 200)
})
