import { createHmac, sign } from 'node:crypto';
import t from 'tap';
import { createKeyRing, generateSigningKey, signJwt, verifyJwt } from '../src/index.ts';
import { b64, claims, ec, ecKey, ed, esHeader, options, reason, ring, rsa, signedEs256, signingKey, token } from './fixtures/jwt.ts';

t.test('a token we signed verifies, for every algorithm', async (t) => {
  for (const jwk of [rsa, ec, ed]) {
    const signed = signJwt(signingKey(jwk), claims(), { typ: 'at+jwt' });
    t.match(verifyJwt(signed, options), { ok: true, header: { alg: jwk.alg, kid: jwk.kid }, payload: { sub: 's' } }, jwk.alg);
  }
});

t.test('alg "none" is refused', async (t) => {
  const unsigned = `${b64({ alg: 'none', typ: 'at+jwt', kid: ec.kid })}.${b64(claims())}.`;
  t.equal(reason(unsigned), 'bad_alg');
  t.equal(reason(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`), 'bad_alg');
});

t.test('HS256 signed with our RSA public key as the HMAC secret is refused', async (t) => {
  const publicJwk = ring.publicJwks().keys.find((k) => k.kid === rsa.kid);
  const publicPem = ring.verificationKeys.get(rsa.kid)?.publicKey.export({ type: 'spki', format: 'pem' }) ?? '';
  for (const secret of [String(publicPem), JSON.stringify(publicJwk)]) {
    const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: rsa.kid })}.${b64(claims())}`;
    const mac = createHmac('sha256', secret).update(input).digest('base64url');
    t.equal(reason(`${input}.${mac}`), 'bad_alg');
  }
});

t.test("the header alg must equal our key's alg", async (t) => {
  const [, payload, signature] = token().split('.');
  const relabelled = `${b64({ alg: 'RS256', typ: 'at+jwt', kid: ec.kid })}.${payload}.${signature}`;
  t.equal(reason(relabelled), 'bad_alg');
});

t.test('an unknown or missing kid is refused', async (t) => {
  const other = createKeyRing({ keys: [generateSigningKey('ES256')] });
  t.equal(reason(other.sign(claims(), { typ: 'at+jwt' })), 'unknown_kid');
  t.equal(reason(signedEs256(b64({ alg: 'ES256', typ: 'at+jwt' }), b64(claims()))), 'unknown_kid');
  t.equal(reason(signedEs256(b64({ alg: 'ES256', typ: 'at+jwt', kid: 42 }), b64(claims()))), 'unknown_kid');
  t.equal(reason(signedEs256(b64({ alg: 'ES256', typ: 'at+jwt', kid: '__proto__' }), b64(claims()))), 'unknown_kid');
});

t.test('a tampered payload or a signature from another key is refused', async (t) => {
  const [header, , signature] = token().split('.');
  t.equal(reason(`${header}.${b64(claims({ sub: 'admin' }))}.${signature}`), 'bad_signature');
  // Same kid, different key: what a forger without our private key can do at best.
  const impostor = signingKey({ ...generateSigningKey('ES256'), kid: ec.kid });
  t.equal(reason(signJwt(impostor, claims(), { typ: 'at+jwt' })), 'bad_signature');
});

t.test('signatures of the wrong length are refused without throwing', async (t) => {
  for (const signed of [token(), signJwt(signingKey(rsa), claims(), { typ: 'at+jwt' }), signJwt(signingKey(ed), claims(), { typ: 'at+jwt' })]) {
    const [header, payload, signature = ''] = signed.split('.');
    const bytes = Buffer.from(signature, 'base64url');
    const variants = [bytes.subarray(1), Buffer.concat([bytes, Buffer.from([0])]), Buffer.alloc(0), Buffer.alloc(bytes.length), bytes.subarray(0, 8)];
    for (const variant of variants) t.equal(reason(`${header}.${payload}.${variant.toString('base64url')}`), 'bad_signature');
  }
  // A DER-encoded ECDSA signature is not JOSE r||s (RFC 7518 §3.4).
  const input = `${esHeader}.${b64(claims())}`;
  const der = sign('sha256', Buffer.from(input), ecKey.privateKey).toString('base64url');
  t.equal(reason(`${input}.${der}`), 'bad_signature');
});

/** 64 signature bytes leave 4 unused bits in the last character; setting one decodes to the same bytes. */
function nonCanonical(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(segment.slice(-1));
  return segment.slice(0, -1) + alphabet.charAt(last + 1);
}

t.test('a key map whose key does not fit its alg gives bad_signature, not an exception', async (t) => {
  const edPublic = ring.verificationKeys.get(ed.kid)?.publicKey;
  if (!edPublic) throw new Error('no EdDSA key');
  const keys = new Map([[ec.kid, { kid: ec.kid, alg: 'ES256' as const, publicKey: edPublic }]]);
  t.equal(reason(token(), { keys }), 'bad_signature');
});

t.test('non-base64url or non-JSON segments are malformed', async (t) => {
  const [header, payload, signature] = token().split('.');
  const cases = {
    'not a string': 42,
    empty: '',
    'two segments': `${header}.${payload}`,
    'four segments': `${token()}.x`,
    'padded signature': `${header}.${payload}.${signature}=`,
    'standard base64 characters': `${header}.${payload}.${signature?.replace(/-/g, '+').replace(/_/g, '/')}+`,
    'header not JSON': `${b64('{alg:ES256')}.${payload}.${signature}`,
    'header a JSON array': `${b64([1])}.${payload}.${signature}`,
    'header null': `${b64('null')}.${payload}.${signature}`,
    'non-canonical base64url (same bytes, other spelling)': `${header}.${payload}.${nonCanonical(signature ?? '')}`,
    'payload not JSON, validly signed': signedEs256(esHeader, b64('not json')),
    'payload a JSON string, validly signed': signedEs256(esHeader, b64('"x"')),
    'payload invalid UTF-8, validly signed': signedEs256(esHeader, Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')),
    'payload not base64url, validly signed': signedEs256(esHeader, 'e30*'),
    'crit header': signedEs256(b64({ alg: 'ES256', typ: 'at+jwt', kid: ec.kid, crit: ['b64'], b64: false }), b64(claims())),
  };
  t.same(Buffer.from(nonCanonical(signature ?? ''), 'base64url'), Buffer.from(signature ?? '', 'base64url'));
  for (const [name, input] of Object.entries(cases)) t.equal(reason(input), 'malformed', name);
});

t.test('oversized tokens are refused before any work', async (t) => {
  const big = token({ pad: 'x'.repeat(9000) });
  t.equal(reason(big), 'malformed');
  t.equal(reason(big, { maxTokenLength: 20_000 }), 'ok');
});
