import helmet from '@fastify/helmet'
import type { App } from '@gatehouse/platform'

/** HSTS for a year, subdomains included, once the gateway is reached over TLS. */
const HSTS = 'max-age=31536000; includeSubDomains'

/**
 * Security headers on every response (@fastify/helmet): `nosniff`, no framing, no referrer
 * leaking, and a strict Content-Security-Policy: nothing at all for the JSON API, and for `/docs`
 * (swagger-ui) scripts, styles and images from this origin only, no inline script. HSTS is sent
 * only over TLS (directly, or as the load balancer reports with X-Forwarded-Proto under
 * TRUST_PROXY): over plain HTTP a browser ignores it, and on localhost it would pin the host.
 */
export async function registerSecurityHeaders(app: App): Promise<void> {
  await app.register(helmet, {
    hsts: false,
    // The API is JSON for any origin's scripts (CORS decides); resources stay same-site by default.
    crossOriginResourcePolicy: { policy: 'same-site' },
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
  })
  app.addHook('onSend', async (request, reply) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS)
    if (request.url === '/docs' || request.url.startsWith('/docs/')) {
      // swagger-ui: its own script and style files; its inline style attributes need 'unsafe-inline' for styles only.
      reply.header('content-security-policy', "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    }
  })
}
