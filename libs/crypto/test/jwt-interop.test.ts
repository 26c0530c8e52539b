import t from 'tap';
import { SignJWT, createLocalJWKSet, importJWK, jwtVerify } from 'jose';
import { createKeyRing, generateSigningKey } from '../src/index.ts';
import type { SigningAlg } from '../src/index.ts';

// jose is the independent verifier: if it and we agree both ways, our JOSE encoding
// (base64url, ES256 r||s, RFC 7638 kids, JWKS members) is what other verifiers expect.

const issuer = 'https://auth.gatehouse.test';
const audience = 'gatehouse-api';
const now = () => Math.floor(Date.now() / 1000);

for (const alg of ['RS256', 'ES256', 'EdDSA'] as SigningAlg[]) {
  t.test(`${alg}: jose verifies our token against our JWKS`, async (t) => {
    const ring = createKeyRing({ keys: [generateSigningKey(alg), { ...generateSigningKey(alg), status: 'next' }] });
    const token = ring.sign(
      { iss: issuer, aud: audience, sub: 'user-1', scope: 'openid', jti: 'j1', iat: now(), exp: now() + 900 },
      { typ: 'at+jwt' },
    );
    const jwks = createLocalJWKSet(JSON.parse(JSON.stringify(ring.publicJwks())));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt', algorithms: [alg] });
    t.equal(payload.sub, 'user-1');
    t.same(protectedHeader, { alg, typ: 'at+jwt', kid: ring.activeKid });
  });

  t.test(`${alg}: we verify a token jose signed with our private key`, async (t) => {
    const jwk = generateSigningKey(alg);
    const ring = createKeyRing({ keys: [jwk] });
    const token = await new SignJWT({ scope: 'openid' })
      .setProtectedHeader({ alg, typ: 'at+jwt', kid: jwk.kid })
      .setIssuer(issuer)
      .setAudience([audience, 'other-api'])
      .setSubject('user-2')
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(await importJWK(jwk, alg));
    const result = ring.verify(token, { issuer, audience, typ: 'at+jwt' });
    t.match(result, { ok: true, header: { alg, kid: jwk.kid }, payload: { sub: 'user-2', scope: 'openid' } });
  });
}
