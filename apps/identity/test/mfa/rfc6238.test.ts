import t from 'tap'
import { hotp, totp } from './rfc6238.ts'

// The test helper itself is checked against the RFCs' own vectors before any test trusts it.
t.test('the independent TOTP reproduces RFC 4226 Appendix D and RFC 6238 Appendix B', async (t) => {
  const key = Buffer.from('12345678901234567890')
  t.same([0, 1, 2, 9].map((counter) => hotp(key, counter)), ['755224', '287082', '359152', '520489'])
  // RFC 6238 SHA-1 vectors (8 digits there; the last 6 digits are what a 6-digit app shows).
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' // base32 of the same key
  t.equal(totp(secret, 59_000), '287082')
  t.equal(totp(secret, 1_111_111_109_000), '081804')
  t.equal(totp(secret, 1_234_567_890_000), '005924')
})
