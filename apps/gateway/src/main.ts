import { loadConfig, runService } from '@gatehouse/platform'
import { buildApp } from './app.ts'
import { GatewayConfigSchema } from './config.ts'

await runService(async () => {
  const config = loadConfig(GatewayConfigSchema, process.env)
  return { app: await buildApp(config), host: config.HOST, port: config.PORT, graceMs: config.SHUTDOWN_GRACE_SECONDS * 1000 }
})
