import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'

/**
 * A software WebAuthn authenticator for tests without a browser: ES256, "none" attestation, user
 * present and verified. Its answers are real ceremonies that @simplewebauthn/server verifies
 * (the browser tests use Chromium's virtual authenticator instead).
 */

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest()

/** The few CBOR items a COSE key and an attestation object need (RFC 8949). */
function cbor(value: number | string | Uint8Array | Map<number | string, unknown>): Buffer {
  const head = (major: number, length: number): Buffer => {
    if (length < 24) return Buffer.from([(major << 5) | length])
    if (length < 256) return Buffer.from([(major << 5) | 24, length])
    return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff])
  }
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value)
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)])
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value])
  const parts = [head(5, value.size)]
  for (const [key, item] of value) parts.push(cbor(key), cbor(item as never))
  return Buffer.concat(parts)
}

export interface SoftCredential {
  id: string
  userId: string
  privateKey: KeyObject
  counter: number
}

export function softAuthenticator(options: { rpId?: string; origin?: string } = {}) {
  const rpId = options.rpId ?? 'localhost'
  const origin = options.origin ?? 'http://localhost:3000'
  const rpIdHash = sha256(rpId)
  const clientData = (type: string, challenge: string): string => b64(Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false })))
  const counterBytes = (counter: number): Buffer => { const out = Buffer.alloc(4); out.writeUInt32BE(counter); return out }

  return {
    /** A registration response for creation options (`challenge`), and the credential it made for `userId`. */
    register(challenge: string, userId: string) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const jwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string }
      const cose = cbor(new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x, 'base64url')], [-3, Buffer.from(jwk.y, 'base64url')]]))
      const credentialId = randomBytes(16)
      const idLength = Buffer.alloc(2)
      idLength.writeUInt16BE(credentialId.length)
      // UP | UV | AT: present, verified, attested credential data follows.
      const authData = Buffer.concat([rpIdHash, Buffer.from([0x45]), counterBytes(0), Buffer.alloc(16), idLength, credentialId, cose])
      const attestationObject = cbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]))
      const id = b64(credentialId)
      const credential: SoftCredential = { id, userId, privateKey, counter: 0 }
      const response = {
        id, rawId: id, type: 'public-key' as const, clientExtensionResults: {},
        response: { clientDataJSON: clientData('webauthn.create', challenge), attestationObject: b64(attestationObject), transports: ['internal'] },
      }
      return { credential, response }
    },

    /** An assertion by `credential` over request options (`challenge`), its counter moved forward. */
    assert(credential: SoftCredential, challenge: string) {
      credential.counter += 1
      const authenticatorData = Buffer.concat([rpIdHash, Buffer.from([0x05]), counterBytes(credential.counter)])
      const clientDataJSON = clientData('webauthn.get', challenge)
      const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(Buffer.from(clientDataJSON, 'base64url'))]), credential.privateKey)
      return {
        id: credential.id, rawId: credential.id, type: 'public-key' as const, clientExtensionResults: {},
        response: { clientDataJSON, authenticatorData: b64(authenticatorData), signature: b64(signature), userHandle: b64(Buffer.from(credential.userId, 'utf8')) },
      }
    },
  }
}
