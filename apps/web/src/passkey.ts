import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser'
import { authed, post, signInWithTokens } from './api.ts'

export const passkeysSupported = (): boolean => browserSupportsWebAuthn()

/** Passwordless sign-in with a discoverable credential: the authenticator picks the account. */
export async function signInWithPasskey(): Promise<void> {
  const optionsJSON = await post('/auth/passkeys/sign-in/options') as Parameters<typeof startAuthentication>[0]['optionsJSON']
  const response = await startAuthentication({ optionsJSON })
  await signInWithTokens(await post('/auth/passkeys/sign-in/verify', { response }))
}

/** The second step of sign-in with a passkey: options for the mfaToken's user, then the assertion as the proof. */
export async function finishSignInWithPasskey(mfaToken: string): Promise<void> {
  const optionsJSON = await post('/auth/login/mfa/passkey/options', { mfaToken }) as Parameters<typeof startAuthentication>[0]['optionsJSON']
  const passkey = await startAuthentication({ optionsJSON })
  await signInWithTokens(await post('/auth/login/mfa', { mfaToken, passkey }))
}

export async function addPasskey(name: string): Promise<void> {
  const optionsJSON = await authed.post('/auth/passkeys/register/options') as Parameters<typeof startRegistration>[0]['optionsJSON']
  const response = await startRegistration({ optionsJSON })
  await authed.post('/auth/passkeys/register/verify', { response, name })
}
