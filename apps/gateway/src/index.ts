export { buildApp, type BuildOptions } from './app.ts'
export { GatewayConfigSchema, type GatewayConfig } from './config.ts'
