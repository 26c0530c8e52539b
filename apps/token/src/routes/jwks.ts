import type { KeyRing } from '@gatehouse/crypto'
import type { App } from '@gatehouse/platform'
import { JwksSchema, type Jwks } from '@gatehouse/schemas'

/**
 * The public JWKS (RFC 7517 §5): every published key (next, active and retired), so verifiers
 * learn a key before it signs and keep it until its tokens have expired. Public, cacheable for
 * five minutes: a rotation publishes the next key at least that long before it signs. The
 * response schema lists public members only, a second guard against a private member leaking.
 */
export function registerJwksRoute(app: App, keyRing: KeyRing): void {
  const jwks: Jwks = { keys: [...keyRing.publicJwks().keys] }
  app.get('/.well-known/jwks.json', { schema: { response: { 200: JwksSchema } } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300')
    return jwks
  })
}
