import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes } from '@gatehouse/schemas'
import type { ChallengePurpose, ChallengesRepository } from './challenges-repository.ts'
import type { PasskeyRecord, PasskeysRepository } from './passkeys-repository.ts'

export interface PasskeyConfig {
  rpId: string
  rpName: string
  origins: string[]
  challengeTtlSeconds: number
  maxPerUser: number
}

export interface PublicPasskey {
  id: string
  name: string
  createdAt: string
  lastUsedAt?: string
  deviceType: 'singleDevice' | 'multiDevice'
  backedUp: boolean
}

/** Who a passkey proved, and how (RFC 8176 `amr`). */
export interface PasskeyProof {
  userId: string
  credentialId: string
  amr: string[]
}

export interface PasskeyDeps {
  passkeys: PasskeysRepository
  challenges: ChallengesRepository
  /** The user's email (the authenticator's account label) and scope; undefined for no such user. */
  findUser(userId: string): Promise<{ email: string; scope: string; disabled?: boolean } | undefined>
  config: PasskeyConfig
  now: () => number
  /** Tells the owner (a notice through the outbox): a passkey added, or removed by them or by support. */
  notify?: {
    added(userId: string, name: string): Promise<void>
    removed(userId: string, name: string, bySupport: boolean): Promise<void>
  }
}

// One message for every failed ceremony: which check failed helps only an attacker.
const rejected = (): AppError => new AppError(401, ErrorCodes.INVALID_CREDENTIALS, 'The passkey could not be verified')
const notFound = (): AppError => new AppError(404, ErrorCodes.NOT_FOUND, 'No such passkey')
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')

export const publicPasskey = (record: PasskeyRecord): PublicPasskey => ({
  id: record.credentialId,
  name: record.name,
  createdAt: record.createdAt,
  ...(record.lastUsedAt === undefined ? {} : { lastUsedAt: record.lastUsedAt }),
  deviceType: record.deviceType,
  backedUp: record.backedUp,
})

/**
 * RFC 8176: a synced (multi-device) passkey's key lives in software somewhere in the sync
 * fabric (`swk`); a device-bound one is hardware-held (`hwk`). With user verification (PIN or
 * biometric) on top of possession it is two factors: `mfa`.
 */
export const passkeyAmr = (deviceType: string, userVerified: boolean): string[] =>
  [deviceType === 'multiDevice' ? 'swk' : 'hwk', ...(userVerified ? ['mfa'] : [])]

export function createPasskeyService(deps: PasskeyDeps) {
  const { passkeys, challenges, config, now } = deps
  const iso = (): string => new Date(now()).toISOString()

  async function remember(challenge: string, purpose: ChallengePurpose, userId?: string): Promise<void> {
    await challenges.put({ challenge, purpose, expiresAt: Math.floor(now() / 1000) + config.challengeTtlSeconds, ...(userId === undefined ? {} : { userId }) })
  }

  /** The challenge the browser signed, taken once from the store; anything off is one rejection. */
  async function consume(clientDataJSON: string, purpose: ChallengePurpose, userId?: string): Promise<string> {
    let challenge: unknown
    try {
      challenge = (JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown }).challenge
    } catch {
      throw rejected()
    }
    if (typeof challenge !== 'string' || challenge.length === 0 || challenge.length > 128) throw rejected()
    const record = await challenges.consume(challenge)
    if (record === undefined || record.purpose !== purpose || record.expiresAt * 1000 <= now() || record.userId !== userId) throw rejected()
    return challenge
  }

  async function registrationOptions(userId: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const user = await deps.findUser(userId)
    if (user === undefined) throw new AppError(404, ErrorCodes.NOT_FOUND, 'User not found')
    const existing = await passkeys.listByUser(userId, config.maxPerUser)
    if (existing.length >= config.maxPerUser) throw new AppError(409, ErrorCodes.VALIDATION_FAILED, `An account holds at most ${config.maxPerUser} passkeys; remove one first`)
    const options = await generateRegistrationOptions({
      rpName: config.rpName,
      rpID: config.rpId,
      userName: user.email,
      userID: Buffer.from(userId, 'utf8'),
      attestationType: 'none',
      timeout: config.challengeTtlSeconds * 1000,
      // The same authenticator twice would be one factor under two names.
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransportFuture[] })),
      // Discoverable, so it can sign in without an email typed first.
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    })
    await remember(options.challenge, 'register', userId)
    return options
  }

  async function register(userId: string, response: RegistrationResponseJSON, name: string): Promise<PublicPasskey> {
    const expectedChallenge = await consume(response.response.clientDataJSON, 'register', userId)
    const result = await verifyRegistrationResponse({
      response, expectedChallenge, expectedOrigin: config.origins, expectedRPID: config.rpId, requireUserVerification: false,
    }).catch(() => { throw rejected() })
    if (!result.verified) throw rejected()
    const info = result.registrationInfo
    const record: PasskeyRecord = {
      credentialId: info.credential.id,
      userId,
      name,
      publicKey: b64(info.credential.publicKey),
      counter: info.credential.counter,
      transports: info.credential.transports ?? [],
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      createdAt: iso(),
    }
    if (!(await passkeys.create(record))) throw new AppError(409, ErrorCodes.VALIDATION_FAILED, 'This passkey is already registered')
    await deps.notify?.added(userId, name)
    return publicPasskey(record)
  }

  async function authenticationOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    // No allowCredentials: the authenticator offers its discoverable credentials for this RP.
    const options = await generateAuthenticationOptions({ rpID: config.rpId, userVerification: 'preferred', timeout: config.challengeTtlSeconds * 1000 })
    await remember(options.challenge, 'sign-in')
    return options
  }

  /**
   * Request options for the second step of sign-in: only this user's passkeys may answer, and
   * the challenge is bound to the user, so it cannot be spent by another account's ceremony.
   */
  async function secondFactorOptions(userId: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const existing = await passkeys.listByUser(userId, config.maxPerUser)
    if (existing.length === 0) throw rejected()
    const options = await generateAuthenticationOptions({
      rpID: config.rpId,
      userVerification: 'preferred',
      timeout: config.challengeTtlSeconds * 1000,
      allowCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransportFuture[] })),
    })
    await remember(options.challenge, 'second-factor', userId)
    return options
  }

  /**
   * Verifies a passkey assertion: a fresh single-use challenge, the origin and RP id, the
   * signature against the stored key, the user handle against the credential's owner, and a
   * signature counter that moves forward (a cloned authenticator shows as a counter that does
   * not). Reusable as a proof for a known account: `expectUserId` pins the account.
   */
  async function verify(response: AuthenticationResponseJSON, expectUserId?: string): Promise<PasskeyProof> {
    return check(response, await consume(response.response.clientDataJSON, 'sign-in'), expectUserId)
  }

  /** The second factor after a password: a challenge from `secondFactorOptions` for this user, and one of their passkeys. */
  async function verifySecondFactor(response: AuthenticationResponseJSON, userId: string): Promise<PasskeyProof> {
    return check(response, await consume(response.response.clientDataJSON, 'second-factor', userId), userId)
  }

  async function check(response: AuthenticationResponseJSON, expectedChallenge: string, expectUserId: string | undefined): Promise<PasskeyProof> {
    const record = await passkeys.get(response.id)
    if (record === undefined || (expectUserId !== undefined && record.userId !== expectUserId)) throw rejected()
    const handle = response.response.userHandle
    if (handle !== undefined && Buffer.from(handle, 'base64url').toString('utf8') !== record.userId) throw rejected()
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: config.origins,
      expectedRPID: config.rpId,
      credential: { id: record.credentialId, publicKey: Buffer.from(record.publicKey, 'base64url'), counter: record.counter, transports: record.transports as AuthenticatorTransportFuture[] },
      requireUserVerification: false,
    }).catch(() => { throw rejected() })
    if (!result.verified) throw rejected()
    const info = result.authenticationInfo
    if (!(await passkeys.recordUse(record.credentialId, record.counter, info.newCounter, info.credentialBackedUp, iso()))) throw rejected()
    // A disabled account (the admin API) answers like a passkey that did not verify.
    if ((await deps.findUser(record.userId))?.disabled === true) throw rejected()
    return { userId: record.userId, credentialId: record.credentialId, amr: passkeyAmr(info.credentialDeviceType, info.userVerified) }
  }

  return {
    registrationOptions,
    register,
    authenticationOptions,
    verify,
    secondFactorOptions,
    verifySecondFactor,
    /** Whether the user has a passkey (the sign-in step then offers one). */
    async has(userId: string): Promise<boolean> {
      return (await passkeys.listByUser(userId, 1)).length > 0
    },
    async list(userId: string): Promise<PublicPasskey[]> {
      return (await passkeys.listByUser(userId, config.maxPerUser)).map(publicPasskey)
    },
    async rename(userId: string, id: string, name: string): Promise<PublicPasskey> {
      const record = await passkeys.rename(userId, id, name)
      if (record === undefined) throw notFound()
      return publicPasskey(record)
    },
    /** `bySupport`: the admin API removes it (after an identity check done elsewhere); the notice says so. */
    async remove(userId: string, id: string, bySupport = false): Promise<void> {
      const removed = await passkeys.remove(userId, id)
      if (removed === undefined) throw notFound()
      await deps.notify?.removed(userId, removed.name, bySupport)
    },
  }
}
export type PasskeyService = ReturnType<typeof createPasskeyService>
