/**
 * OpenTelemetry across the three processes: with OTEL_* set, one sign-in is one trace, the W3C
 * traceparent carrying it gateway → identity and gateway → token, with spans for each service,
 * each DynamoDB call and the bcrypt compare, exported over OTLP/JSON to a receiver this test runs.
 * Log lines carry the trace id. Run twice: from the sources, and from the esbuild bundles that
 * the images and Lambda packages run (where the AWS SDK is inlined and no module hook sees it load).
 */
import t, { type Test } from 'tap'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { useTestDynamo } from '@gatehouse/dynamo'
import { startStack } from '@gatehouse/stack'
import { bundleApp } from '../build/bundle.ts'

interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: Array<{ key: string; value: Record<string, unknown> }> }
interface ReceivedSpan extends OtlpSpan { service: string }

// The receiver: OTLP/HTTP with JSON bodies (https://opentelemetry.io/docs/specs/otlp/#otlphttp), as a collector would take them.
const received: ReceivedSpan[] = []
const requests: string[] = []
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => {
    requests.push(`${request.method} ${request.url} ${request.headers['content-type']}`)
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>
    }
    for (const resourceSpans of body.resourceSpans) {
      const service = resourceSpans.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '?'
      for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans) received.push({ ...span, service })
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
})
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
t.teardown(() => receiver.close())
const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`

const dynamo = await useTestDynamo(t, 'e2e-otel')
const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' }
const root = join(import.meta.dirname, '..', '..')

async function signInIsOneTrace(t: Test, bundles: string | undefined): Promise<void> {
  // The runs are sequential and each stack is stopped (its spans flushed) before the next starts.
  received.length = 0
  requests.length = 0
  const logLines: string[] = []
  const stack = await startStack({
    dynamoEndpoint: dynamo.endpoint,
    tablePrefix: dynamo.prefix,
    bcryptCost: 4,
    logLevel: 'info',
    log: (line) => logLines.push(line),
    env: { gateway: otel, identity: otel, token: otel },
    ...(bundles === undefined ? {} : { fromDist: true, distRoot: bundles }),
  })
  t.teardown(() => stack.stop())
  const post = (path: string, json: unknown) => fetch(`${stack.urls.gateway}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: stack.urls.gateway }, body: JSON.stringify(json),
  })
  const email = `otel-${Date.now()}@example.com`
  const password = 'a perfectly fine passphrase'
  t.equal((await post('/auth/register', { email, password })).status, 201)
  const signIn = await post('/auth/login', { email, password })
  t.equal(signIn.status, 200)

  const loginSpan = () => received.find((span) => span.service === 'gatehouse-gateway' && span.attributes?.some((attribute) => attribute.key === 'http.route' && attribute.value['stringValue'] === '/auth/login'))
  const isDynamo = (span: ReceivedSpan) => span.attributes?.some((attribute) => attribute.key === 'rpc.system' && attribute.value['stringValue'] === 'aws-api') === true
  const isGatewayClient = (span: ReceivedSpan) => span.service === 'gatehouse-gateway' && span.attributes?.some((attribute) => attribute.key === 'server.port') === true
  const traceOf = () => { const root = loginSpan(); return root === undefined ? [] : received.filter((span) => span.traceId === root.traceId) }
  // Each process exports in its own batches: wait until every expected span has arrived (bounded).
  const complete = () => {
    const trace = traceOf()
    return new Set(trace.map((span) => span.service)).size === 3 && trace.some((span) => span.name === 'bcrypt.compare')
      && ['gatehouse-identity', 'gatehouse-token'].every((service) => trace.some((span) => span.service === service && isDynamo(span)))
      && trace.filter(isGatewayClient).length >= 2
  }
  for (let waited = 0; waited < 150 && !complete(); waited++) await sleep(100)
  const root = loginSpan()
  t.ok(root, 'the gateway exported the sign-in\'s request span')
  const trace = traceOf()
  t.same([...new Set(trace.map((span) => span.service))].sort(), ['gatehouse-gateway', 'gatehouse-identity', 'gatehouse-token'], 'one trace id spans the three services')
  t.ok(trace.some((span) => span.service === 'gatehouse-identity' && span.name === 'bcrypt.compare'), 'the bcrypt compare has its span')
  const dynamoSpans = trace.filter(isDynamo)
  t.ok(dynamoSpans.some((span) => span.service === 'gatehouse-identity'), 'identity\'s DynamoDB calls have spans')
  t.ok(dynamoSpans.some((span) => span.service === 'gatehouse-token'), 'token\'s DynamoDB calls have spans')
  const dynamoIds = new Set(dynamoSpans.map((span) => span.spanId))
  t.notOk(dynamoSpans.some((span) => span.parentSpanId !== undefined && dynamoIds.has(span.parentSpanId)), 'each DynamoDB call is one span (the SDK is patched once)')
  const outgoing = trace.filter(isGatewayClient)
  t.ok(outgoing.length >= 2, 'the gateway\'s calls to identity and token are client spans (undici)')
  t.ok(requests.every((line) => line.startsWith('POST /v1/traces application/json')), 'OTLP/JSON on /v1/traces')
  t.ok(logLines.some((line) => line.includes(`traceId=${root!.traceId}`) || line.includes(`"traceId":"${root!.traceId}"`)), 'log lines carry the trace id')
  t.notOk(JSON.stringify(received).includes(password), 'no password in any span')
}

t.test('one sign-in is one trace across gateway, identity and token, with DynamoDB and bcrypt spans (from the sources)', async (t) => {
  await signInIsOneTrace(t, undefined)
})

t.test('the same trace from the esbuild bundles the images and Lambda packages run', async (t) => {
  // Inside the repository, so the bundles' one external (bcrypt) resolves from node_modules.
  mkdirSync(join(root, '.tap'), { recursive: true })
  const bundles = mkdtempSync(join(root, '.tap', 'otel-bundles-'))
  t.teardown(() => rmSync(bundles, { recursive: true, force: true }))
  for (const app of ['identity', 'token', 'gateway']) await bundleApp(`apps/${app}`, bundles)
  await signInIsOneTrace(t, bundles)
})
