/**
 * The local mail catcher for `npm start`: maildev (an exact devDependency) on loopback, SMTP for
 * identity and a web UI for the developer. Run on the project's Node, stopped with the stack.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { portInUse } from '@gatehouse/dynamo-local'

export interface MailCatcher {
  smtpUrl: string
  webUrl: string
  stop(): Promise<void>
}

const READY_TIMEOUT_MS = 30_000

export async function startMailCatcher(options: { smtpPort: number; webPort: number; log: (line: string) => void }): Promise<MailCatcher> {
  for (const [name, port] of [['MAIL_SMTP_PORT', options.smtpPort], ['MAIL_WEB_PORT', options.webPort]] as const) {
    if (await portInUse(port)) throw new Error(`port ${port} (${name}, the mail catcher) is already in use: set ${name}, or SMTP_URL to use your own server`)
  }
  // maildev exports only its ESM entry (dist/index.js); the CLI sits beside it.
  const bin = join(dirname(fileURLToPath(import.meta.resolve('maildev'))), 'bin', 'maildev.js')
  const child: ChildProcess = spawn(process.execPath, [
    bin, '--smtp', String(options.smtpPort), '--web', String(options.webPort), '--ip', '127.0.0.1', '--web-ip', '127.0.0.1',
  ], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stderr?.on('data', (chunk: Buffer) => options.log(`mail: ${chunk.toString('utf8').trim()}`))
  child.stdout?.resume()
  const webUrl = `http://127.0.0.1:${options.webPort}`
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (!(await portInUse(options.webPort)) || !(await portInUse(options.smtpPort))) {
    if (child.exitCode !== null) throw new Error(`the mail catcher exited (code ${child.exitCode})`)
    if (Date.now() > deadline) {
      child.kill('SIGTERM')
      throw new Error(`the mail catcher did not start within ${READY_TIMEOUT_MS} ms`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return {
    smtpUrl: `smtp://127.0.0.1:${options.smtpPort}`,
    webUrl,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}
