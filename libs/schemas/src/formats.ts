import { FormatRegistry } from '@sinclair/typebox'

/*
 * TypeBox's Value checker knows no string formats until they are registered, while Fastify's Ajv
 * knows them already. Registering the formats our schemas use once, here, makes `Value.Check`
 * (config at start-up, downstream answers in the gateway) agree with request validation.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const FORMATS: Record<string, (value: string) => boolean> = {
  uuid: (value) => UUID.test(value),
  'date-time': (value) => /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)),
  uri: (value) => URL.canParse(value) && /^[a-z][a-z0-9+.-]*:/i.test(value),
}

for (const [name, check] of Object.entries(FORMATS)) {
  if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check)
}
