/**
 * The module-boundary rule is part of the architecture (DESIGN.md: the gateway never imports
 * another app; libs never import apps), so it has a test: a deliberate cross-app import must fail
 * lint, a lib-to-lib import must pass.
 */
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { ESLint } from 'eslint'

const root = join(import.meta.dirname, '..', '..')

t.before(() => {
  // The rule reads Nx's cached project graph; computing it once makes the test work on a fresh clone.
  execFileSync(join(root, 'node_modules', '.bin', 'nx'), ['show', 'projects'], { cwd: root, stdio: 'ignore', env: { ...process.env, NX_DAEMON: 'false' } })
})

async function lint(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root })
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) })
  return (result?.messages ?? []).filter((message) => message.ruleId === '@nx/enforce-module-boundaries').map((message) => message.message)
}

t.test('an app importing another app fails lint', async (t) => {
  const messages = await lint('apps/gateway/src/boundary-probe.ts', "import { buildApp } from '@gatehouse/identity'\nexport const probe = buildApp\n")
  t.ok(messages.length > 0, messages.join('; '))
})

t.test('an app reaching into another app by relative path fails lint', async (t) => {
  const messages = await lint('apps/gateway/src/boundary-probe.ts', "import { buildApp } from '../../token/src/app.ts'\nexport const probe = buildApp\n")
  t.ok(messages.length > 0, messages.join('; '))
})

t.test('a lib importing an app fails lint', async (t) => {
  const messages = await lint('libs/platform/src/boundary-probe.ts', "import { buildApp } from '@gatehouse/gateway'\nexport const probe = buildApp\n")
  t.ok(messages.length > 0, messages.join('; '))
})

t.test('an app importing a lib passes', async (t) => {
  const messages = await lint('apps/gateway/src/boundary-probe.ts', "import { normalizeEmail } from '@gatehouse/schemas'\nexport const probe = normalizeEmail\n")
  t.same(messages, [])
})
