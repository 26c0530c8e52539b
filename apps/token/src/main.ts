import { loadConfig, runService } from '@gatehouse/platform'
import { buildApp } from './app.ts'
import { TokenConfigSchema } from './config.ts'

await runService(async () => {
  const config = loadConfig(TokenConfigSchema, process.env)
  return { app: await buildApp(config), host: config.HOST, port: config.PORT, graceMs: config.SHUTDOWN_GRACE_SECONDS * 1000 }
})
