import { Type } from '@sinclair/typebox'
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server'
import { clientOriginOf, type App } from '@gatehouse/platform'
import type { RequestOrigin } from '@gatehouse/dynamo'
import {
  CeremonyOptionsSchema,
  PasskeyListSchema,
  PasskeyProofSchema,
  PasskeySchema,
  RegisterPasskeyRequestSchema,
  RenamePasskeyRequestSchema,
  UserIdParamsSchema,
  UserPasskeyParamsSchema,
  VerifyPasskeyRequestSchema,
} from '@gatehouse/schemas'
import { ErrorRef, commonErrors } from '../routes/error-responses.ts'
import type { PasskeyService } from './passkey-service.ts'

/** What follows a passwordless sign-in once the assertion verified (the activity event, the new-device notice). */
export type PasskeySignedIn = (userId: string, device: { deviceId?: string | undefined; newDevice: boolean }, origin: RequestOrigin) => Promise<void>

/** Internal passkey API; the gateway has already authenticated the user where a userId is in the path. */
/** Records a passkey added or removed in the owner's activity (method `passkey`). */
export type PasskeyChanged = (type: 'second_factor_added' | 'second_factor_removed', userId: string, origin: RequestOrigin) => Promise<void>

export function registerPasskeyRoutes(app: App, service: PasskeyService, signInOf: (userId: string) => Promise<{ scope: string; emailVerified: boolean }>, signedIn: PasskeySignedIn, changed: PasskeyChanged): void {
  const errors = { 404: ErrorRef, 409: ErrorRef, ...commonErrors }
  app.post('/v1/users/:userId/passkeys/options', {
    schema: { summary: 'Registration options (and a stored challenge)', params: UserIdParamsSchema, response: { 200: CeremonyOptionsSchema, ...errors } },
  }, async (request) => service.registrationOptions(request.params.userId))

  app.post('/v1/users/:userId/passkeys', {
    schema: { summary: 'Verify a registration and store the passkey', params: UserIdParamsSchema, body: RegisterPasskeyRequestSchema, response: { 201: PasskeySchema, ...errors } },
  }, async (request, reply) => {
    const passkey = await service.register(request.params.userId, request.body.response as unknown as RegistrationResponseJSON, request.body.name.trim())
    await changed('second_factor_added', request.params.userId, { ...clientOriginOf(request), log: request.log })
    return reply.code(201).send(passkey)
  })

  app.get('/v1/users/:userId/passkeys', {
    schema: { summary: "The user's passkeys", params: UserIdParamsSchema, response: { 200: PasskeyListSchema, ...errors } },
  }, async (request) => ({ passkeys: await service.list(request.params.userId) }))

  app.patch('/v1/users/:userId/passkeys/:id', {
    schema: { summary: 'Rename a passkey', params: UserPasskeyParamsSchema, body: RenamePasskeyRequestSchema, response: { 200: PasskeySchema, ...errors } },
  }, async (request) => service.rename(request.params.userId, request.params.id, request.body.name.trim()))

  app.delete('/v1/users/:userId/passkeys/:id', {
    schema: { summary: 'Remove a passkey', params: UserPasskeyParamsSchema, response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    await service.remove(request.params.userId, request.params.id)
    await changed('second_factor_removed', request.params.userId, { ...clientOriginOf(request), log: request.log })
    return reply.code(204).send(null)
  })

  app.post('/v1/passkeys/authentication/options', {
    schema: { summary: 'Sign-in options for discoverable credentials (and a stored challenge)', response: { 200: CeremonyOptionsSchema, ...errors } },
  }, async () => service.authenticationOptions())

  app.post('/v1/passkeys/authentication/verify', {
    schema: { summary: 'Verify a passkey assertion: who it proves and how', body: VerifyPasskeyRequestSchema, response: { 200: PasskeyProofSchema, ...errors } },
  }, async (request) => {
    const proof = await service.verify(request.body.response as unknown as AuthenticationResponseJSON, request.body.userId)
    // May refuse (REQUIRE_VERIFIED_EMAIL) before anything is recorded as a sign-in.
    const signIn = await signInOf(proof.userId)
    if (request.body.userId === undefined) {
      await signedIn(proof.userId, { deviceId: request.body.deviceId, newDevice: request.body.newDevice === true }, { ...clientOriginOf(request), log: request.log })
    }
    return { userId: proof.userId, ...signIn, amr: proof.amr }
  })
}
