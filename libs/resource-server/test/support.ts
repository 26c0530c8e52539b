import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateSigningKey, type KeySet, type PrivateJwk } from '@gatehouse/crypto'
import { createTables, createDynamoClients } from '@gatehouse/dynamo'
import { basicAuthorization } from '@gatehouse/platform'
import { startStack, type Stack } from '@gatehouse/stack'

export const USER_ID = '0f8fad5b-d9cb-469f-a165-70867728950e'

export interface TokenService {
  stack: Stack
  issuer: string
  jwksUrl: string
  introspectionUrl: string
  key: PrivateJwk
  /** Rewrites the key file and restarts the token service on its port (a key rotation). */
  rotate(keys: KeySet): Promise<void>
  /** A fresh session's tokens, straight from the token service as the gateway gets them. */
  /** A session as the gateway opens one at sign-in; `extra` adds fields of the issue request (emailVerified, amr). */
  issue(scope?: string, extra?: Record<string, unknown>): Promise<{ accessToken: string; refreshToken: string; sessionId: string }>
  revoke(refreshToken: string): Promise<void>
}

/** The real token service as its own process (libs/stack), on DynamoDB Local, keys in a file. */
export async function startTokenService(t: { teardown(fn: () => unknown): void }, label: string): Promise<TokenService> {
  const endpoint = process.env['DYNAMODB_ENDPOINT']
  if (endpoint === undefined) throw new Error('run through npm test: DYNAMODB_ENDPOINT is not set')
  const prefix = `rs-${label}-${randomBytes(3).toString('hex')}-`
  const clients = createDynamoClients({ endpoint })
  await createTables(clients.client, prefix)
  clients.destroy()
  const key = generateSigningKey('RS256')
  const keyFile = join(tmpdir(), `gatehouse-rs-keys-${randomBytes(6).toString('hex')}.json`)
  writeFileSync(keyFile, JSON.stringify({ keys: [{ ...key, status: 'active' }] }), { mode: 0o600 })
  const stack = await startStack({
    dynamoEndpoint: endpoint,
    tablePrefix: prefix,
    services: ['token'],
    logLevel: 'warn',
    env: { token: { SIGNING_KEYS: '', SIGNING_KEYS_FILE: keyFile } },
  })
  t.teardown(() => stack.stop())
  const gatewayAuth = basicAuthorization(stack.secrets.gateway.id, stack.secrets.gateway.secret)
  const call = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${stack.urls.token}${path}`, {
      method: 'POST', headers: { authorization: gatewayAuth, 'content-type': 'application/json' }, body: JSON.stringify(body),
    })
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
    return (await response.json()) as Record<string, unknown>
  }
  return {
    stack,
    issuer: stack.urls.gateway,
    jwksUrl: `${stack.urls.token}/.well-known/jwks.json`,
    introspectionUrl: `${stack.urls.token}/introspect`,
    key,
    async rotate(keys) {
      writeFileSync(keyFile, JSON.stringify(keys), { mode: 0o600 })
      await stack.stopService('token')
      await stack.startService('token')
    },
    issue: async (scope = 'openid profile', extra = {}) => (await call('/v1/sessions', { userId: USER_ID, scope, ...extra })) as never,
    async revoke(refreshToken) {
      await call('/v1/revoke', { token: refreshToken })
    },
  }
}
