/**
 * Seeds N real users (they can log in) for benchmarks and load tests:
 *   npm run seed -- --count 1000 --cost 10 [--endpoint URL] [--prefix P] [--concurrency K]
 *     [--email-prefix seed-abc] [--password '...']
 * User i gets the email `<email-prefix>-<i>@seed.example` and the given password.
 */
import { availableParallelism } from 'node:os'

// bcrypt's async API runs on libuv's threadpool (4 threads by default): size it to the machine.
// Read when the pool first starts: set here, before the module that hashes is even loaded.
process.env['UV_THREADPOOL_SIZE'] ??= String(Math.max(4, availableParallelism()))

await import('./main.ts')
