import { AppError } from '@gatehouse/platform'
import { ErrorCodes, PasskeyProofSchema, type CeremonyOptions, type Passkey, type PasskeyProofResponse } from '@gatehouse/schemas'
import { emailNotVerified } from '../clients/identity-client.ts'
import { checkedBody, downstreamError, unexpectedAnswer, type CallContext, type Downstream, type DownstreamAnswer } from '../clients/downstream.ts'

export interface PasskeysClient {
  registrationOptions(context: CallContext, userId: string): Promise<CeremonyOptions>
  register(context: CallContext, userId: string, body: { response: unknown; name: string }): Promise<Passkey>
  list(context: CallContext, userId: string): Promise<Passkey[]>
  rename(context: CallContext, userId: string, id: string, name: string): Promise<Passkey>
  remove(context: CallContext, userId: string, id: string): Promise<void>
  authenticationOptions(context: CallContext): Promise<CeremonyOptions>
  verify(context: CallContext, body: { response: unknown; userId?: string; deviceId?: string; newDevice?: true }): Promise<PasskeyProofResponse>
}

const base = (userId: string): string => `/v1/users/${encodeURIComponent(userId)}/passkeys`

/** Identity's 4xx for a ceremony or a passkey, passed on as public errors (no internal details). */
function clientError(answer: DownstreamAnswer): AppError | undefined {
  const { code, message } = downstreamError(answer)
  if (answer.status === 401) return new AppError(401, ErrorCodes.INVALID_CREDENTIALS, 'The passkey could not be verified')
  if (answer.status === 404) return new AppError(404, ErrorCodes.NOT_FOUND, 'No such passkey')
  if (answer.status === 409) return new AppError(409, ErrorCodes.VALIDATION_FAILED, message)
  if (answer.status === 400) return new AppError(400, ErrorCodes.VALIDATION_FAILED, code === ErrorCodes.VALIDATION_FAILED ? 'The passkey response is malformed' : message)
  if (answer.status === 413) return new AppError(413, ErrorCodes.PAYLOAD_TOO_LARGE, 'Request body is too large')
  return undefined
}

export function createPasskeysClient(downstream: Downstream): PasskeysClient {
  const expect = async (context: CallContext, call: Parameters<Downstream['call']>[1], ok: number): Promise<unknown> => {
    const answer = await downstream.call(context, call)
    if (answer.status === ok) return answer.body
    throw clientError(answer) ?? unexpectedAnswer(context, downstream, answer)
  }
  return {
    registrationOptions: async (context, userId) => await expect(context, { method: 'POST', path: `${base(userId)}/options`, json: {} }, 200) as CeremonyOptions,
    register: async (context, userId, body) => await expect(context, { method: 'POST', path: base(userId), json: body }, 201) as Passkey,
    list: async (context, userId) => (await expect(context, { method: 'GET', path: base(userId) }, 200) as { passkeys: Passkey[] }).passkeys,
    rename: async (context, userId, id, name) => await expect(context, { method: 'PATCH', path: `${base(userId)}/${encodeURIComponent(id)}`, json: { name } }, 200) as Passkey,
    remove: async (context, userId, id) => { await expect(context, { method: 'DELETE', path: `${base(userId)}/${encodeURIComponent(id)}` }, 204) },
    authenticationOptions: async (context) => await expect(context, { method: 'POST', path: '/v1/passkeys/authentication/options', json: {} }, 200) as CeremonyOptions,
    async verify(context, body) {
      const answer = await downstream.call(context, { method: 'POST', path: '/v1/passkeys/authentication/verify', json: body })
      if (answer.status === 200) return checkedBody(context, downstream, answer, PasskeyProofSchema)
      if (answer.status === 403 && downstreamError(answer).code === ErrorCodes.EMAIL_NOT_VERIFIED) throw emailNotVerified(answer)
      throw clientError(answer) ?? unexpectedAnswer(context, downstream, answer)
    },
  }
}
