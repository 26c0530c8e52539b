import { readdirSync, readFileSync } from 'node:fs'
import { pbkdf2 } from 'node:crypto'
import { promisify } from 'node:util'
import t from 'tap'
import { lowerThreadPoolPriority } from '../../src/services/thread-pool-priority.ts'

/** The nice value in a /proc/…/stat line (field 19). */
const nice = (stat: string): number => Number(stat.split(') ')[1]?.split(' ')[16])

function niceOf(name: string): number[] {
  return readdirSync('/proc/self/task')
    .filter((tid) => readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === name)
    .map((tid) => nice(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')))
}

t.test('bcrypt\'s worker threads run at the lower priority and the event loop keeps its own', { skip: process.platform !== 'linux' && 'Linux only' }, async (t) => {
  await promisify(pbkdf2)('x', 'salt', 1, 32, 'sha256') // starts libuv's pool
  const changed = lowerThreadPoolPriority(7)
  t.ok(changed >= 1, 'at least one worker thread changed')
  t.same(niceOf('libuv-worker'), Array.from({ length: changed }, () => 7))
  t.equal(nice(readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')), 0, 'the event loop is untouched')
})
