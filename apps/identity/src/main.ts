import { loadConfig, runService } from '@gatehouse/platform'
import { buildApp } from './app.ts'
import { IdentityConfigSchema } from './config.ts'

await runService(async () => {
  const config = loadConfig(IdentityConfigSchema, process.env)
  return { app: await buildApp(config), host: config.HOST, port: config.PORT, graceMs: config.SHUTDOWN_GRACE_SECONDS * 1000 }
})
