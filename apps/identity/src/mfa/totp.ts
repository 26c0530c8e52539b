import { generateSecret, generateURI, verify } from 'otplib'
import { renderSVG } from 'uqr'

/**
 * TOTP as every authenticator app implements it (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps),
 * through otplib. A code is accepted one step either side of now (RFC 6238 §5.2: clock drift and
 * typing time), and only for a time step later than the last one accepted for this user, so a
 * code seen over a shoulder or in a proxy log cannot be used again.
 */
export const TOTP_PERIOD_SECONDS = 30
export const TOTP_DIGITS = 6
const SECRET_BYTES = 20 // 160 bits, the HMAC-SHA-1 key size RFC 4226 §4 recommends

export const CODE_SHAPE = /^[0-9]{6}$/

export const newTotpSecret = (): string => generateSecret({ length: SECRET_BYTES })

export function totpUri(secret: string, issuer: string, account: string): string {
  return generateURI({ issuer, label: account, secret, algorithm: 'sha1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS })
}

/** The QR code of the otpauth URI as a standalone SVG document (no script, no external reference). */
export const qrSvg = (uri: string): string => renderSVG(uri)

/**
 * The time step the code belongs to, or undefined when it matches none of now-1, now, now+1, or
 * matches only steps at or before `afterTimeStep` (already used).
 */
export async function matchTimeStep(secret: string, code: string, nowMs: number, afterTimeStep?: number): Promise<number | undefined> {
  if (!CODE_SHAPE.test(code)) return undefined
  const result = await verify({
    secret,
    token: code,
    algorithm: 'sha1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: TOTP_PERIOD_SECONDS,
    ...(afterTimeStep === undefined ? {} : { afterTimeStep }),
  })
  return result.valid && 'timeStep' in result ? result.timeStep : undefined
}
