import { decodeBase64url } from './base64url.ts';
import { SIGNING_ALGS } from './jwk.ts';
import type { SigningAlg } from './jwk.ts';
import { verifyBytes } from './jws-algorithm.ts';
import type { JwtHeader, VerificationKey, VerifiedJwtPayload } from './jwt-types.ts';

export type JwtFailureReason =
  | 'malformed'
  | 'unknown_kid'
  | 'bad_alg'
  | 'bad_signature'
  | 'bad_typ'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_issuer'
  | 'bad_audience';

export type VerifyJwtResult =
  | { ok: true; header: JwtHeader; payload: VerifiedJwtPayload }
  | { ok: false; reason: JwtFailureReason };

export interface VerifyJwtOptions {
  /** kid → key. The algorithm comes from here, never from the token (RFC 8725 §3.1). */
  keys: ReadonlyMap<string, VerificationKey>;
  issuer: string;
  /** Accepted when aud equals it or is an array containing it (RFC 7519 §4.1.3). */
  audience: string;
  /** Compared as RFC 7515 §4.1.9 says: case-insensitive, "application/" optional. */
  typ: string;
  clockToleranceSec?: number;
  /** Current time in seconds since the epoch; for tests. */
  now?: number;
  /** Longer tokens are refused before any parsing or crypto work. */
  maxTokenLength?: number;
}

export const DEFAULT_MAX_TOKEN_LENGTH = 8192;

type JsonObject = Record<string, unknown>;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function parseSegment(segment: string): JsonObject | undefined {
  const bytes = decodeBase64url(segment);
  if (!bytes || bytes.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(strictUtf8.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

function isSigningAlg(alg: unknown): alg is SigningAlg {
  return SIGNING_ALGS.includes(alg as SigningAlg);
}

function normaliseTyp(typ: unknown): string | undefined {
  if (typeof typ !== 'string') return undefined;
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function checkClaims(payload: JsonObject, options: VerifyJwtOptions): JwtFailureReason | undefined {
  const { exp, nbf, iat, iss, aud, sub, jti } = payload;
  if (!isNumericDate(exp)) return 'malformed';
  if ((sub !== undefined && typeof sub !== 'string') || (jti !== undefined && typeof jti !== 'string')) {
    return 'malformed';
  }
  if (nbf !== undefined && !isNumericDate(nbf)) return 'malformed';
  if (iat !== undefined && !isNumericDate(iat)) return 'malformed';

  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.clockToleranceSec ?? 0;
  // RFC 7519 §4.1.4: not accepted on or after exp.
  if (now - tolerance >= exp) return 'expired';
  if (nbf !== undefined && now + tolerance < nbf) return 'not_yet_valid';
  if (iat !== undefined && now + tolerance < iat) return 'not_yet_valid';

  if (iss !== options.issuer) return 'bad_issuer';
  const audienceOk = Array.isArray(aud) ? aud.includes(options.audience) : aud === options.audience;
  if (!audienceOk) return 'bad_audience';
  return undefined;
}

const fail = (reason: JwtFailureReason): VerifyJwtResult => ({ ok: false, reason });

/**
 * Verifies a compact JWS JWT. Never throws on any input: every failure is a reason.
 * A missing exp, non-numeric exp/nbf/iat or non-string sub/jti count as 'malformed'.
 */
export function verifyJwt(token: unknown, options: VerifyJwtOptions): VerifyJwtResult {
  if (typeof token !== 'string' || token.length > (options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH)) {
    return fail('malformed');
  }
  const parts = token.split('.');
  if (parts.length !== 3) return fail('malformed');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];

  const header = parseSegment(encodedHeader);
  if (!header) return fail('malformed');
  // RFC 7515 §4.1.11: we implement no extensions, so any crit (e.g. b64: false) is refused.
  if (header.crit !== undefined) return fail('malformed');
  // Refuses "none", HS256 and every other algorithm we do not sign with (RFC 8725 §2.1).
  if (!isSigningAlg(header.alg)) return fail('bad_alg');
  const key = typeof header.kid === 'string' ? options.keys.get(header.kid) : undefined;
  if (!key) return fail('unknown_kid');
  if (header.alg !== key.alg) return fail('bad_alg');

  const signature = decodeBase64url(encodedSignature);
  if (!signature) return fail('malformed');
  const signingInput = Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii');
  if (!verifyBytes(key.alg, key.publicKey, signingInput, signature)) return fail('bad_signature');

  const payload = parseSegment(encodedPayload);
  if (!payload) return fail('malformed');
  if (normaliseTyp(header.typ) !== normaliseTyp(options.typ)) return fail('bad_typ');
  const claimFailure = checkClaims(payload, options);
  if (claimFailure) return fail(claimFailure);

  return { ok: true, header: header as JwtHeader, payload: payload as VerifiedJwtPayload };
}
