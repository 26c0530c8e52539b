import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import type { ServiceName } from './service-process.ts'

const root = join(import.meta.dirname, '..', '..', '..')

// Prints the property names of the one `…ConfigSchema` a service's config.ts exports.
const PRINT_KEYS = `
const module = await import(process.argv[1])
const schemas = Object.entries(module).filter(([name]) => name.endsWith('ConfigSchema'))
if (schemas.length !== 1) throw new Error('expected one ConfigSchema export, found ' + schemas.length)
process.stdout.write(JSON.stringify(Object.keys(schemas[0][1].properties)))
`

/**
 * The variables a service reads, straight from its TypeBox config schema. Asked of a child process
 * that loads apps/<name>/src/config.ts, because the stack starts apps and never imports them (the
 * module-boundary rule): the list cannot drift from the schema, and no one keeps a copy by hand.
 */
export async function serviceVariables(name: ServiceName): Promise<string[]> {
  const config = pathToFileURL(join(root, 'apps', name, 'src', 'config.ts')).href
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', PRINT_KEYS, config], { cwd: root, timeout: 30_000 })
  return JSON.parse(stdout) as string[]
}
