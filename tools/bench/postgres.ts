import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@gatehouse/dynamo-local'

/** A throwaway PostgreSQL server on 127.0.0.1 for the peer figure: its own data directory, removed at stop. */
export interface Postgres {
  url: string
  /** The postmaster's pid (its backends are its children). */
  pid: number
  stop(): Promise<void>
}

/** Where Debian's PostgreSQL keeps initdb and pg_ctl (they are not on PATH), or PATH itself. */
function binDir(): string | undefined {
  const debian = '/usr/lib/postgresql'
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((name) => existsSync(join(debian, name, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
    if (versions[0] !== undefined) return join(debian, versions[0], 'bin')
  }
  const found = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim()
  return found === '' ? undefined : join(found, '..')
}

export const POSTGRES_HELP = 'PostgreSQL is not installed: `sudo apt-get install postgresql` (Debian) and run the benchmark again'

/**
 * Starts PostgreSQL from Debian's packages, or answers why not. As root (CI, containers) the
 * server runs as the `postgres` user, which initdb insists on.
 */
export async function startPostgres(): Promise<Postgres | string> {
  const bin = binDir()
  if (bin === undefined) return POSTGRES_HELP
  const root = process.getuid?.() === 0
  const runAs = (command: string, args: string[]) => (root ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { stdio: 'pipe' }) : execFileSync(join(bin, command), args, { stdio: 'pipe' }))
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pg-'))
  if (root) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(dir, id('-u'), id('-g'))
  }
  const data = join(dir, 'data')
  const port = await freePort()
  try {
    runAs('initdb', ['-D', data, '-A', 'trust', '-U', 'bench', '--no-sync', '-E', 'UTF8'])
    runAs('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`, 'start'])
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    return `PostgreSQL did not start: ${(error as Error).message.split('\n')[0]}`
  }
  const pid = Number(execFileSync('head', ['-n', '1', join(data, 'postmaster.pid')], { encoding: 'utf8' }).trim())
  return {
    url: `postgres://bench@127.0.0.1:${port}/postgres`,
    pid,
    async stop() {
      try {
        runAs('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
