import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createKeyRing } from '@gatehouse/crypto'
import { run } from './cli.ts'

const cli = join(import.meta.dirname, 'cli.ts')

t.test('generate, rotate, activate, retire: a file the token service can load at every step', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'keys-cli-')), 'signing-keys.json')
  const load = () => createKeyRing(JSON.parse(readFileSync(file, 'utf8')))
  const start = new Date()

  const generated = await run(['generate', '--file', file])
  t.match(generated, /RS256 {2}active/)
  t.equal(statSync(file).mode & 0o777, 0o600, 'owner-only file')
  const firstKid = load().activeKid
  await t.rejects(run(['generate', '--file', file]), { message: /exists; refusing/ })

  t.match(await run(['rotate', '--file', file, '--alg', 'EdDSA']), /EdDSA {2}next/)
  t.equal(load().activeKid, firstKid)
  t.match(await run(['activate', '--file', file], start), /RS256 {2}retired/)
  t.not(load().activeKid, firstKid)
  t.equal(load().publicJwks().keys.length, 2)
  await t.rejects(run(['retire', '--file', file], start), { message: /younger than 900 s/ })
  t.match(await run(['retire', '--file', file, '--after', '60'], new Date(start.getTime() + 60_000)), new RegExp(`removed ${firstKid}`))
  t.equal(load().publicJwks().keys.length, 1)

  for (const output of [generated]) t.notMatch(output, /"d"/)
  t.match(await run(['generate', '--file', file, '--alg', 'ES256', '--force']), /ES256 {2}active/)
})

t.test('bad usage and bad files are clear errors with a non-zero exit', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-cli-'))
  await t.rejects(run(['generate']), { message: /usage/ })
  await t.rejects(run(['shuffle', '--file', join(dir, 'x.json')]), { message: /usage/ })
  await t.rejects(run(['generate', '--file', join(dir, 'x.json'), '--alg', 'HS256']), { message: /--alg must be one of/ })
  await t.rejects(run(['rotate', '--file', join(dir, 'missing.json')]), { message: /cannot read a key set/ })
  writeFileSync(join(dir, 'bad.json'), '{oops')
  await t.rejects(run(['activate', '--file', join(dir, 'bad.json')]), { message: /not valid JSON/ })
  await t.rejects(run(['retire', '--file', join(dir, 'bad.json'), '--after', '-1']), { message: /--after/ })

  const result = spawnSync(process.execPath, [cli, 'rotate', '--file', join(dir, 'missing.json')], { encoding: 'utf8' })
  t.equal(result.status, 1)
  t.match(result.stderr, /^error: cannot read a key set/)
  const ok = spawnSync(process.execPath, [cli, 'generate', '--file', join(dir, 'new.json'), '--alg', 'EdDSA'], { encoding: 'utf8' })
  t.equal(ok.status, 0)
  t.match(ok.stdout, /EdDSA {2}active/)
})
