import { JwksSchema } from '@gatehouse/schemas'
import type { App } from '@gatehouse/platform'
import type { JwksCache } from '../services/jwks-cache.ts'
import { errorResponses } from './error-responses.ts'

/** RFC 8414 / RFC 7517: the public keys that verify access tokens, for resource servers. */
export function registerJwksRoute(app: App, jwks: JwksCache, maxAgeSeconds: number): void {
  app.get('/.well-known/jwks.json', {
    schema: { tags: ['keys'], summary: 'JSON Web Key Set of the access-token signing keys', response: { 200: JwksSchema, ...errorResponses(429, 503) } },
  }, async (request, reply) => {
    const keys = await jwks.get(request)
    reply.header('cache-control', `public, max-age=${maxAgeSeconds}`)
    return keys
  })
}
