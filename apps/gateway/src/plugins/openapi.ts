import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { App } from '@gatehouse/platform'
import type { GatewayConfig } from '../config.ts'

/** OpenAPI 3 at /docs/json (and a browsable UI at /docs), generated from the route schemas. */
export async function registerOpenApi(app: App, config: GatewayConfig): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'gatehouse',
        version: '1.0.0',
        description: 'Public authentication API. Every error answers `{ error: { code, message, requestId, details? } }`.',
      },
      tags: [
        { name: 'auth', description: 'Sign-up, sign-in, refresh and sign-out' },
        { name: 'account', description: 'The signed-in user, their sessions and password' },
        { name: 'mfa', description: 'Second factors: an authenticator app (TOTP) and recovery codes' },
        { name: 'passkeys', description: 'WebAuthn passkeys: add, list, rename, remove, and passwordless sign-in (as a second factor: POST /auth/login/mfa/passkey/options, then POST /auth/login/mfa)' },
        { name: 'keys', description: 'Public keys to verify access tokens' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          refreshCookie: { type: 'apiKey', in: 'cookie', name: config.REFRESH_COOKIE_NAME },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => String(json['$id'] ?? `def-${index}`) },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', ...uiAssets() })
}

/**
 * In the esbuild bundle, swagger-ui's own `__dirname` lookups point at the bundle's folder, where
 * tools/build/bundle.ts copies its `static` assets; from sources the package finds them itself.
 */
function uiAssets(): { baseDir?: string } {
  const bundled = join(import.meta.dirname, 'static')
  return existsSync(join(bundled, 'index.css')) ? { baseDir: bundled } : {}
}
