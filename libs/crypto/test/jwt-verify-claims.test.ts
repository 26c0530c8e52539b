import { verify } from 'node:crypto';
import t from 'tap';
import { signJwt, verifyJwt } from '../src/index.ts';
import { NOW, b64, claims, ec, esHeader, options, reason, ring, rsa, signedEs256, signingKey, token } from './fixtures/jwt.ts';

t.test('missing exp and mistyped registered claims are refused', async (t) => {
  const { exp: _exp, ...noExp } = claims();
  t.equal(reason(signedEs256(esHeader, b64(noExp))), 'malformed');
  t.equal(reason(signedEs256(esHeader, b64(claims({ exp: String(NOW + 60) })))), 'malformed');
  t.equal(reason(signedEs256(esHeader, b64(claims({ nbf: 'soon' })))), 'malformed');
  t.equal(reason(signedEs256(esHeader, b64(claims({ iat: null })))), 'malformed');
  t.equal(reason(signedEs256(esHeader, b64(claims({ sub: 42 })))), 'malformed');
  t.equal(reason(signedEs256(esHeader, b64(claims({ jti: {} })))), 'malformed');
});

t.test('exp, nbf and iat are checked with the clock tolerance', async (t) => {
  t.equal(reason(token({ exp: NOW })), 'expired', 'not valid at exp itself');
  t.equal(reason(token({ exp: NOW - 1, iat: NOW - 900 })), 'expired');
  t.equal(reason(token({ exp: NOW - 1, iat: NOW - 900 }), { clockToleranceSec: 5 }), 'ok');
  t.equal(reason(token({ nbf: NOW + 10 })), 'not_yet_valid');
  t.equal(reason(token({ nbf: NOW + 10 }), { clockToleranceSec: 30 }), 'ok');
  t.equal(reason(token({ iat: NOW + 10 })), 'not_yet_valid');
  const realNow = Math.floor(Date.now() / 1000);
  t.equal(reason(token({ iat: realNow, exp: realNow + 60 }), { now: undefined }), 'ok', 'defaults to the real clock');
  t.equal(reason(token({ iat: realNow - 120, exp: realNow - 60 }), { now: undefined }), 'expired');
});

t.test('issuer, audience and typ must match', async (t) => {
  t.equal(reason(token({ iss: 'https://evil.test' })), 'bad_issuer');
  t.equal(reason(token({ iss: undefined })), 'bad_issuer');
  t.equal(reason(token({ aud: 'other' })), 'bad_audience');
  t.equal(reason(token({ aud: undefined })), 'bad_audience');
  t.equal(reason(token({ aud: ['other', 'aud'] })), 'ok', 'aud as an array containing ours');
  t.equal(reason(token({ aud: ['other'] })), 'bad_audience');
  t.equal(reason(token({}, { typ: 'JWT' })), 'bad_typ');
  t.equal(reason(signedEs256(b64({ alg: 'ES256', kid: ec.kid }), b64(claims()))), 'bad_typ');
  t.equal(reason(token({}, { typ: 'application/AT+JWT' })), 'ok', 'RFC 7515 §4.1.9 media type forms');
});

// Introspection needs ≥10k verifications/s. Absolute rates depend on the machine and on
// coverage instrumentation, so this compares against bare node:crypto verify on the same key:
// re-importing keys or other per-call work would show up as a large ratio.
t.test('verifyJwt costs little more than a bare RS256 signature check', async (t) => {
  const signed = signJwt(signingKey(rsa), claims(), { typ: 'at+jwt' });
  const [header = '', payload = '', signature = ''] = signed.split('.');
  const input = Buffer.from(`${header}.${payload}`);
  const sig = Buffer.from(signature, 'base64url');
  const publicKey = ring.verificationKeys.get(rsa.kid)?.publicKey;
  if (!publicKey) throw new Error('no RS256 key');
  const time = (fn: () => unknown, count = 2_000): number => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) fn();
    return Number(process.hrtime.bigint() - start);
  };
  let ours = 0;
  let bare = 0;
  for (let round = 0; round < 3; round++) {
    ours += time(() => verifyJwt(signed, options));
    bare += time(() => verify('sha256', input, publicKey, sig));
  }
  const perSecond = 6_000 / (ours / 1e9);
  t.ok(ours / bare < 4, `verifyJwt/bare ratio ${(ours / bare).toFixed(2)}, ${Math.round(perSecond)} verifications/s`);
});
