import { createHmac } from 'node:crypto'

/** A copy of apps/identity/test/mfa/rfc6238.ts (checked there against the RFC vectors): tools may not import an app's files.
 *
 * An independent TOTP (RFC 6238 over RFC 4226, HMAC-SHA-1, 6 digits, 30 s), written from the RFCs
 * with node:crypto, so the tests do not check otplib against itself.
 */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

export function base32Decode(text: string): Buffer {
  let bits = ''
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const value = BASE32.indexOf(char)
    if (value < 0) throw new Error(`not base32: ${char}`)
    bits += value.toString(2).padStart(5, '0')
  }
  const bytes: number[] = []
  for (let index = 0; index + 8 <= bits.length; index += 8) bytes.push(parseInt(bits.slice(index, index + 8), 2))
  return Buffer.from(bytes)
}

export function hotp(key: Buffer, counter: number): string {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', key).update(message).digest()
  const offset = (mac[mac.length - 1] as number) & 0x0f
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000
  return String(binary).padStart(6, '0')
}

/** The code for the time step holding `epochMs`. */
export const totp = (secretBase32: string, epochMs: number): string => hotp(base32Decode(secretBase32), Math.floor(epochMs / 30_000))
