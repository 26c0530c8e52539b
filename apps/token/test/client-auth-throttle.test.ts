import t from 'tap'
import { createClientAuthThrottle } from '../src/plugins/client-auth-throttle.ts'

t.test('the window ends, addresses are separate, and memory is bounded', async (t) => {
  let now = 0
  const throttle = createClientAuthThrottle({ maxFailures: 2, windowSeconds: 10, maxAddresses: 2, now: () => now })
  throttle.recordFailure('a')
  t.equal(throttle.retryAfter('a'), 0, 'under the limit')
  throttle.recordFailure('a')
  t.equal(throttle.retryAfter('a'), 10)
  t.equal(throttle.retryAfter('b'), 0, 'another address')
  now = 9_500
  t.equal(throttle.retryAfter('a'), 1, 'rounded up, never 0 while blocked')
  now = 10_000
  t.equal(throttle.retryAfter('a'), 0, 'a new window')
  throttle.recordFailure('x')
  throttle.recordFailure('x')
  throttle.recordFailure('y')
  throttle.recordFailure('z')
  t.equal(throttle.retryAfter('x'), 0, 'the oldest address was dropped to stay within maxAddresses')
})
