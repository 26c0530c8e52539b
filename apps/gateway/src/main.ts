import { loadConfig, runService, startTracing } from '@gatehouse/platform'
import { GatewayConfigSchema } from './config.ts'

await runService(async () => {
  const config = loadConfig(GatewayConfigSchema, process.env)
  // Tracing (OTEL_* set) starts before the app, and with it the AWS SDK, is loaded.
  await startTracing('gateway')
  const { buildApp } = await import('./app.ts')
  return { app: await buildApp(config), host: config.HOST, port: config.PORT, graceMs: config.SHUTDOWN_GRACE_SECONDS * 1000 }
})
