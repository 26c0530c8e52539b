import type { ServiceName } from './service-process.ts'

export interface LocalEnvOptions {
  gatewayPort: number
  /** Extra origins allowed cross-origin with credentials (a front end's dev server). */
  corsOrigins?: string
  /** The built hosted pages; the gateway's default (dist/apps/web) when absent. */
  webRoot?: string
}

/**
 * What `npm start` configures beyond the defaults, shared with the browser tests so they run
 * the stack exactly as a developer does: plain HTTP on localhost (browsers drop Secure cookies
 * there), and passkeys bound to `localhost` (WebAuthn refuses an IP address as RP id), so the
 * pages are opened at http://localhost:<port>.
 */
export function localEnv(options: LocalEnvOptions): Partial<Record<ServiceName, Record<string, string>>> {
  return {
    gateway: {
      COOKIE_SECURE: 'false',
      ...(options.corsOrigins === undefined ? {} : { CORS_ORIGINS: options.corsOrigins }),
      ...(options.webRoot === undefined ? {} : { WEB_ROOT: options.webRoot }),
    },
    identity: {
      WEBAUTHN_RP_ID: 'localhost',
      WEBAUTHN_ORIGINS: `http://localhost:${options.gatewayPort}`,
      // Links in mail open the pages where passkeys work.
      PUBLIC_URL: `http://localhost:${options.gatewayPort}`,
    },
  }
}

export const pagesUrl = (gatewayPort: number): string => `http://localhost:${gatewayPort}`
