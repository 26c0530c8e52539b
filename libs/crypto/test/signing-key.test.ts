import t from 'tap';
import { calculateJwkThumbprint } from 'jose';
import { generateSigningKey, jwkThumbprint } from '../src/index.ts';
import type { SigningAlg } from '../src/index.ts';

const algs: SigningAlg[] = ['RS256', 'ES256', 'EdDSA'];

for (const alg of algs) {
  t.test(`generateSigningKey(${alg}) makes a private JWK whose kid is jose's RFC 7638 thumbprint`, async (t) => {
    const jwk = generateSigningKey(alg);
    t.equal(jwk.alg, alg);
    t.equal(jwk.use, 'sig');
    t.type(jwk.d, 'string');
    t.equal(jwk.kid, await calculateJwkThumbprint(jwk, 'sha256'));
  });
}

t.test('key types and sizes follow RFC 7518 and RFC 8037', async (t) => {
  const rsa = generateSigningKey('RS256');
  t.equal(rsa.kty, 'RSA');
  t.equal(Buffer.from(rsa.n ?? '', 'base64url').length * 8, 2048);
  t.match(generateSigningKey('ES256'), { kty: 'EC', crv: 'P-256' });
  t.match(generateSigningKey('EdDSA'), { kty: 'OKP', crv: 'Ed25519' });
});

t.test('jwkThumbprint matches the RFC 7638 §3.1 example', async (t) => {
  const n =
    '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
  t.equal(jwkThumbprint({ kty: 'RSA', n, e: 'AQAB' }), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
});

t.test('generateSigningKey refuses an algorithm we do not sign with', async (t) => {
  t.throws(() => generateSigningKey('HS256' as never), TypeError);
});

t.test('jwkThumbprint refuses a JWK missing a required member', async (t) => {
  t.throws(() => jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'AA' }), TypeError);
  t.throws(() => jwkThumbprint({ kty: 'oct' } as never), TypeError);
});
