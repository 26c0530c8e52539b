/** `npm run admin -- <command>`: the admin API from an operator's terminal (see commands.ts). */
import { run, UsageError } from './commands.ts'

try {
  process.stdout.write(`${await run(process.argv.slice(2), process.env)}\n`)
} catch (error) {
  process.stderr.write(`${error instanceof UsageError ? '' : 'error: '}${(error as Error).message}\n`)
  process.exitCode = error instanceof UsageError ? 2 : 1
}
