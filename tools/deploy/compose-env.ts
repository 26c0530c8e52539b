/**
 * Secrets for the local compose stack, written to docker/.env (read by `docker compose`, ignored
 * by git and by the image build): the gateway's service-client secret, a fresh RS256 signing
 * key set and identity's MFA key. Production never uses this file: see docs/deploy.md (Secrets Manager / SSM).
 *   npm run compose-env [-- --force]
 */
import { randomBytes } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateSigningKey } from '@gatehouse/crypto'

export const COMPOSE_ENV_FILE = join(import.meta.dirname, '..', '..', 'docker', '.env')

/** The variables docker/compose.yml requires (`${NAME:?…}`). */
export function composeSecrets(): Record<string, string> {
  return {
    GATEHOUSE_GATEWAY_SECRET: randomBytes(32).toString('base64url'),
    GATEHOUSE_SIGNING_KEYS: JSON.stringify({ keys: [generateSigningKey('RS256')] }),
    GATEHOUSE_MFA_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
  }
}

/** Single quotes: compose reads the value literally, with no `$` interpolation inside the JSON. */
export function renderEnvFile(values: Record<string, string>): string {
  return `${Object.entries(values).map(([name, value]) => `${name}='${value}'`).join('\n')}\n`
}

if (import.meta.main) {
  if (existsSync(COMPOSE_ENV_FILE) && !process.argv.includes('--force')) {
    process.stderr.write(`${COMPOSE_ENV_FILE} exists; pass --force (npm run compose-env -- --force) to replace its secrets (signed-in sessions end)\n`)
    process.exit(1)
  }
  // The project name lives here, not in compose.yml, which Compose v1 would refuse with a top-level `name`.
  writeFileSync(COMPOSE_ENV_FILE, renderEnvFile({ COMPOSE_PROJECT_NAME: 'gatehouse', ...composeSecrets() }), { mode: 0o600 })
  process.stdout.write(`wrote ${COMPOSE_ENV_FILE}\n`)
}
