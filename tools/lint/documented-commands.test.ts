/**
 * Every command README.md and docs/ tell a user to run works with an older system Node: it is an
 * npm script (which puts the project's Node 24 first on PATH), never `node file.ts`, which fails
 * before Node 24 with ERR_UNKNOWN_FILE_EXTENSION. Also checks each `npm run X` they name exists.
 */
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts

const markdown = (folder: string): string[] => readdirSync(join(root, folder)).filter((name) => name.endsWith('.md')).map((name) => join(folder, name))
const projectReadmes = ['apps', 'libs'].flatMap((group) => readdirSync(join(root, group)).map((name) => join(group, name, 'README.md')))
  .filter((path) => { try { readFileSync(join(root, path)); return true } catch { return false } })
const documents = ['README.md', ...markdown('docs'), ...projectReadmes]

t.test('every `npm run X` in the documentation is a script in package.json', async (t) => {
  let count = 0
  for (const document of documents) {
    const text = readFileSync(join(root, document), 'utf8')
    for (const match of text.matchAll(/npm run(?: --silent| -s)? ([a-z][a-z0-9:-]*)/g)) {
      count++
      t.ok(scripts[match[1] ?? ''] !== undefined, `${document}: npm run ${match[1]} exists`)
    }
  }
  t.ok(count >= 5, `found the documented commands (${count})`)
})

t.test('no document tells a user to run a .ts file with the system node', async (t) => {
  const offending: string[] = []
  for (const document of documents) {
    readFileSync(join(root, document), 'utf8').split('\n').forEach((line, index) => {
      const bare = /(^|[\s`(|&;])node\s+(?:--\S+\s+)*\S+\.ts\b/.exec(line)
      if (bare !== null) offending.push(`${document}:${index + 1}: ${bare[0].trim()}`)
    })
  }
  t.same(offending, [], 'make each of these an npm script')
})

t.test('the quick start and tools commands exist', async (t) => {
  for (const name of ['start', 'test', 'build', 'tables', 'keys', 'seed', 'bench', 'compose-env']) t.ok(scripts[name], `npm run ${name}`)
})
