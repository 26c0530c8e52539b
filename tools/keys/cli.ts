/**
 * Manages a private signing-key set file for the token service (SIGNING_KEYS_FILE).
 *
 *   node tools/keys/cli.ts generate --file <path> [--alg RS256|ES256|EdDSA] [--force]
 *   node tools/keys/cli.ts rotate   --file <path> [--alg …]      add the next key (published, not signing)
 *   node tools/keys/cli.ts activate --file <path>                next key signs; old active is retired
 *   node tools/keys/cli.ts retire   --file <path> [--after <s>] [--force]
 *                                   remove retired keys retired ≥ --after seconds ago (default 900)
 *
 * Wait at least the JWKS cache lifetime (300 s) between rotate and activate, and restart or
 * redeploy the token service after each step. Only kids, algorithms and statuses are printed.
 */
import { existsSync } from 'node:fs'
import { readFile, rename, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { SIGNING_ALGS, type SigningAlg } from '@gatehouse/crypto'
import {
  KeySetStepError, activateNextKey, addNextKey, describeKeySet, generateKeySet, removeRetiredKeys, type StoredKeySet,
} from './key-set.ts'

const USAGE = 'usage: node tools/keys/cli.ts generate|rotate|activate|retire --file <path> [--alg RS256|ES256|EdDSA] [--after <seconds>] [--force]'

async function readSet(file: string): Promise<StoredKeySet> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StoredKeySet
  } catch (error) {
    throw new KeySetStepError(`cannot read a key set from ${file}: ${(error as NodeJS.ErrnoException).code ?? 'not valid JSON'}`)
  }
}

/** Written beside the target then renamed, so a crash never leaves half a key set; owner-only. */
async function writeSet(file: string, set: StoredKeySet): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(set, null, 2)}\n`, { mode: 0o600 })
  await rename(temporary, file)
}

export async function run(argv: string[], now = new Date()): Promise<string> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { file: { type: 'string' }, alg: { type: 'string' }, after: { type: 'string' }, force: { type: 'boolean', default: false } },
  })
  const [command] = positionals
  const file = values.file
  if (file === undefined || positionals.length !== 1) throw new KeySetStepError(USAGE)
  if (values.alg !== undefined && !SIGNING_ALGS.includes(values.alg as SigningAlg)) {
    throw new KeySetStepError(`--alg must be one of ${SIGNING_ALGS.join(', ')}`)
  }
  const alg = values.alg as SigningAlg | undefined
  let set: StoredKeySet
  let note: string
  switch (command) {
    case 'generate':
      if (existsSync(file) && !values.force) throw new KeySetStepError(`${file} exists; refusing to replace live keys (pass --force)`)
      set = generateKeySet(alg ?? 'RS256')
      note = 'generated a new key set'
      break
    case 'rotate':
      set = addNextKey(await readSet(file), alg)
      note = 'added the next key: it is published now and signs after `activate` (wait ≥ 300 s, the JWKS cache lifetime)'
      break
    case 'activate':
      set = activateNextKey(await readSet(file), now)
      note = 'the next key is active; the old one stays published until `retire`'
      break
    case 'retire': {
      const after = Number(values.after ?? 900)
      if (!Number.isInteger(after) || after < 0) throw new KeySetStepError('--after must be a whole number of seconds')
      const result = removeRetiredKeys(await readSet(file), now, after, values.force)
      set = result.set
      note = `removed ${result.removed.join(', ')}`
      break
    }
    default:
      throw new KeySetStepError(USAGE)
  }
  await writeSet(file, set)
  return `${note}\n${describeKeySet(set)}\n`
}

if (import.meta.main) {
  try {
    process.stdout.write(await run(process.argv.slice(2)))
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`)
    process.exitCode = 1
  }
}
