/**
 * `npm run rollback -- <git-ref>`: by hand, put a known-good release back. A canary that is still
 * running needs none of this (its alarms roll it back, or Stop deployment in CodeDeploy does);
 * this is for a release that finished its canary and turned out bad later. It builds, synthesizes
 * and deploys <git-ref> from a clean checkout with the same GATEHOUSE_* variables, so the old code
 * goes out through the same path and the same canary as any release: one tested way to deploy.
 * Rolling back never needs a table change undone: table changes are additive (docs/deploy.md).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..', '..')

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: process.env })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}`)
}

if (import.meta.main) {
  const ref = process.argv[2]
  if (ref === undefined || !/^[\w./-]+$/.test(ref)) {
    process.stderr.write('usage: npm run rollback -- <git-ref of the release to put back>\n')
    process.exit(2)
  }
  const checkout = mkdtempSync(join(tmpdir(), 'gatehouse-rollback-'))
  try {
    run('git', ['worktree', 'add', '--detach', checkout, ref], root)
    run('npm', ['ci', '--no-audit', '--no-fund'], checkout)
    run('npm', ['run', 'synth'], checkout)
    run('npm', ['run', 'deploy'], checkout)
  } finally {
    spawnSync('git', ['worktree', 'remove', '--force', checkout], { cwd: root, stdio: 'inherit' })
    rmSync(checkout, { recursive: true, force: true })
  }
}
