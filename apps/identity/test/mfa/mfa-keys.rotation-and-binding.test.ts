import t from 'tap'
import { randomBytes } from 'node:crypto'
import { createMfaKeys, parseMfaKeys } from '../../src/mfa/mfa-keys.ts'
import { newRecoveryCode, normalizeRecoveryCode } from '../../src/mfa/recovery-codes.ts'

const key = (): string => randomBytes(32).toString('base64url')

t.test('a sealed secret opens only for its user, and after rotation while the old key is listed', async (t) => {
  const [oldKey, newKey] = [key(), key()]
  const before = createMfaKeys(`old:${oldKey}`)
  const sealed = before.seal('JBSWY3DPEHPK3PXP', 'totp-secret/user-1')
  t.notOk(sealed.includes('JBSWY3DPEHPK3PXP'))
  t.equal(before.open(sealed, 'totp-secret/user-1'), 'JBSWY3DPEHPK3PXP')
  t.equal(before.open(sealed, 'totp-secret/user-2'), undefined, 'copied onto another user, it does not open')
  t.equal(before.open(`${sealed.slice(0, -2)}AA`, 'totp-secret/user-1'), undefined, 'tampered')

  const rotated = createMfaKeys(`new:${newKey},old:${oldKey}`)
  t.equal(rotated.open(sealed, 'totp-secret/user-1'), 'JBSWY3DPEHPK3PXP', 'the old key still opens what it sealed')
  t.match(rotated.seal('x', 'c'), /^new:/, 'the first key seals')
  t.equal(createMfaKeys(`new:${newKey}`).open(sealed, 'totp-secret/user-1'), undefined, 'a dropped key opens nothing')
  t.equal(rotated.macWith('old', 'code', 'c'), before.mac('code', 'c').digest, 'digests are reproducible per key')
})

t.test('bad key lists are refused without echoing the key', async (t) => {
  const secretish = 'short-and-wrong'
  const message = (() => {
    try {
      parseMfaKeys(`k1:${secretish}`)
      return 'no error'
    } catch (error) {
      return (error as Error).message
    }
  })()
  t.match(message, /^MFA_ENCRYPTION_KEYS: /)
  t.notOk(message.includes(secretish), 'the value is not echoed')
  t.throws(() => parseMfaKeys(`k1:${key()},k1:${key()}`), /duplicate/)
  t.throws(() => parseMfaKeys(' , '), /at least one/)
})

t.test('recovery codes: 60 random bits in a form people can type back', async (t) => {
  const code = newRecoveryCode()
  t.match(code, /^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/)
  t.equal(normalizeRecoveryCode(` ${code.toUpperCase().replace(/-/g, ' ')} `), code.replace(/-/g, ''))
  t.equal(normalizeRecoveryCode('O0IL-1111-2222'), '001111112222', 'o→0, i/l→1 as Crockford reads them')
  t.equal(normalizeRecoveryCode('too-short'), undefined)
  t.equal(normalizeRecoveryCode('uuuu-uuuu-uuuu'), undefined, 'u is not in the alphabet')
})
