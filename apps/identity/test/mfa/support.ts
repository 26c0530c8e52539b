import type { App } from '@gatehouse/platform'
import { AUTH, PASSWORD, createUser, login } from '../helper.ts'
import { totp } from './rfc6238.ts'

export const DEVICE = 'device-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'.slice(0, 43)
export const OTHER_DEVICE = 'device-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'.slice(0, 43)

type Clock = { now: () => number; advance: (seconds: number) => void }

/** A user with TOTP active: its secret, its recovery codes; the clock moved past the confirming step. */
export async function enrolledUser(app: App, clock: Clock, email: string) {
  const created = await createUser(app, email)
  const userId = created.json().userId as string
  const setup = await app.inject({ method: 'POST', url: `/v1/users/${userId}/mfa/totp/setup`, headers: AUTH, payload: { currentPassword: PASSWORD } })
  if (setup.statusCode !== 200) throw new Error(`setup: ${setup.body}`)
  const { secret } = setup.json() as { secret: string }
  const confirmed = await app.inject({ method: 'POST', url: `/v1/users/${userId}/mfa/totp/confirm`, headers: AUTH, payload: { code: totp(secret, clock.now()) } })
  if (confirmed.statusCode !== 200) throw new Error(`confirm: ${confirmed.body}`)
  clock.advance(30)
  return { userId, secret, recoveryCodes: confirmed.json().recoveryCodes as string[] }
}

/** The password step for an enrolled user: its mfaToken. */
export async function startSignIn(app: App, email: string, deviceId = DEVICE): Promise<string> {
  const answer = await login(app, email, PASSWORD, deviceId)
  const body = answer.json() as { mfaRequired?: true; mfaToken?: string }
  if (answer.statusCode !== 200 || body.mfaToken === undefined) throw new Error(`login: ${answer.statusCode} ${answer.body}`)
  return body.mfaToken
}

export async function finishSignIn(app: App, mfaToken: string, proof: { code?: string; recoveryCode?: string }, deviceId = DEVICE) {
  return app.inject({ method: 'POST', url: '/v1/mfa/verify', headers: AUTH, payload: { mfaToken, deviceId, ...proof } })
}
