import { Type, type Static } from '@sinclair/typebox'
import { BaseConfig, DynamoConfig, PortSchema, ServiceClientsSchema } from '@gatehouse/schemas'

export const IdentityConfigSchema = Type.Object({
  ...BaseConfig,
  ...DynamoConfig,
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: PortSchema(3001),
  /** Internal callers allowed in (`id:secret,…`); the gateway is one of them. */
  SERVICE_CLIENTS: ServiceClientsSchema,
  /** bcrypt work factor: 12 in production (about 250 ms a hash on one core); tests use 4. */
  BCRYPT_COST: Type.Integer({ minimum: 4, maximum: 15, default: 12 }),
})
export type IdentityConfig = Static<typeof IdentityConfigSchema>
