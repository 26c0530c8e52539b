import t from 'tap'
import { coarseIp } from '../src/coarse-ip.ts'

t.test('an address is cut to its /24 or /48, so no event names one subscriber', async (t) => {
  t.equal(coarseIp('203.0.113.77'), '203.0.113.0/24')
  t.equal(coarseIp('::ffff:198.51.100.9'), '198.51.100.0/24', 'IPv4-mapped IPv6 is its IPv4 address')
  t.equal(coarseIp('2001:db8:1:2::42'), '2001:db8:1::/48')
  t.equal(coarseIp('2001:0db8:00a1:ffff:1:2:3:4'), '2001:db8:a1::/48')
  t.equal(coarseIp('2001:db8::1'), '2001:db8:0::/48', 'a :: inside the first three groups')
  t.equal(coarseIp('::1'), '0:0:0::/48')
  t.equal(coarseIp('not an ip'), undefined)
  t.equal(coarseIp(undefined), undefined)
})
