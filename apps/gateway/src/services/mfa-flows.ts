import type { MfaVerifyRequest, SecondFactorFields, TokenPair } from '@gatehouse/schemas'
import type { Static, TObject } from '@sinclair/typebox'
import type { CallContext } from '../clients/downstream.ts'
import type { MfaClient } from '../clients/mfa-client.ts'
import type { TokenClient } from '../clients/token-client.ts'
import type { Principal } from '../plugins/bearer-auth.ts'
import { hints, type DeviceHints } from './auth-service.ts'

type Proof = Static<TObject<typeof SecondFactorFields>>

/** The second step of sign-in and the management of factors, over identity and token. */
export function createMfaFlows(deps: { mfa: MfaClient; token: TokenClient }) {
  const { mfa, token } = deps
  const device = (deviceId: string | undefined) => (deviceId === undefined ? {} : { deviceId })
  return {
    /** mfaToken + code → a token pair whose access tokens say how the user signed in (amr). */
    async loginMfa(context: CallContext, body: Omit<MfaVerifyRequest, 'deviceId'>, deviceId: string, hinted: DeviceHints): Promise<TokenPair> {
      const verified = await mfa.verify(context, { ...body, deviceId })
      return token.issue(context, { userId: verified.userId, scope: verified.scope, amr: verified.amr, authTime: new Date(verified.authTime * 1000).toISOString(), emailVerified: verified.emailVerified, ...hints(hinted) })
    },
    /** WebAuthn request options for the passkey of the mfaToken's user. */
    passkeyOptions: (context: CallContext, mfaToken: string, deviceId: string) => mfa.passkeyOptions(context, { mfaToken, deviceId }),
    setupTotp: (context: CallContext, principal: Principal, currentPassword: string, deviceId: string | undefined) =>
      mfa.setupTotp(context, principal.userId, { currentPassword, ...device(deviceId) }),
    confirmTotp: (context: CallContext, principal: Principal, code: string) => mfa.confirmTotp(context, principal.userId, { code }),
    disableTotp: (context: CallContext, principal: Principal, body: { currentPassword: string } & Proof, deviceId: string | undefined) =>
      mfa.disableTotp(context, principal.userId, { ...body, ...device(deviceId) }),
    regenerateRecoveryCodes: (context: CallContext, principal: Principal, body: { currentPassword: string } & Proof, deviceId: string | undefined) =>
      mfa.regenerateRecoveryCodes(context, principal.userId, { ...body, ...device(deviceId) }),
    status: (context: CallContext, principal: Principal) => mfa.status(context, principal.userId),
  }
}

export type MfaFlows = ReturnType<typeof createMfaFlows>
