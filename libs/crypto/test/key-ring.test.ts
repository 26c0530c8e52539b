import { generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import { InvalidKeySetError, createKeyRing, generateSigningKey } from '../src/index.ts';
import type { KeySet, PrivateJwk } from '../src/index.ts';

const rsa = generateSigningKey('RS256');
const ec = generateSigningKey('ES256');
const ed = generateSigningKey('EdDSA');
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'status'];

const verifyOptions = { issuer: 'https://auth.test', audience: 'api', typ: 'at+jwt' };
const claims = () => ({ iss: 'https://auth.test', aud: 'api', sub: 'u1', exp: Math.floor(Date.now() / 1000) + 60 });

t.test('publicJwks never contains private members, for any algorithm or status', async (t) => {
  const ring = createKeyRing({
    keys: [
      { ...rsa, status: 'retired' },
      { ...ec, status: 'active' },
      { ...ed, status: 'next' },
    ],
  });
  const { keys } = ring.publicJwks();
  t.equal(keys.length, 3);
  for (const jwk of keys) {
    for (const member of PRIVATE_MEMBERS) t.notOk(member in jwk, `${jwk.kty} has no ${member}`);
    for (const member of Object.keys(jwk)) t.ok(['kty', 'crv', 'n', 'e', 'x', 'y', 'kid', 'alg', 'use'].includes(member), member);
  }
  t.match(keys, [{ kty: 'RSA', kid: rsa.kid, alg: 'RS256', use: 'sig', n: rsa.n, e: rsa.e }, { kty: 'EC', crv: 'P-256', x: ec.x, y: ec.y }, { kty: 'OKP', crv: 'Ed25519', x: ed.x }]);
  t.notOk(JSON.stringify(ring.publicJwks()).includes(rsa.d));
});

t.test('the active key signs; next and retired keys still verify', async (t) => {
  const keySet: KeySet = { keys: [{ ...rsa, status: 'retired' }, { ...ec, status: 'active' }, { ...ed, status: 'next' }] };
  const ring = createKeyRing(keySet);
  t.equal(ring.activeKid, ec.kid);
  const token = ring.sign(claims(), { typ: 'at+jwt' });
  t.match(ring.verify(token, verifyOptions), { ok: true, header: { alg: 'ES256', kid: ec.kid, typ: 'at+jwt' } });

  // Rotation: the next key becomes active, the old one retires; its tokens stay valid.
  const rotated = createKeyRing({ keys: [{ ...rsa, status: 'retired' }, { ...ec, status: 'retired' }, { ...ed, status: 'active' }] });
  t.equal(rotated.activeKid, ed.kid);
  t.match(rotated.verify(token, verifyOptions), { ok: true });
  t.match(rotated.verify(rotated.sign(claims(), { typ: 'at+jwt' }), verifyOptions), { ok: true, header: { alg: 'EdDSA' } });
});

t.test('a key without status counts as active, so one generated key is a working set', async (t) => {
  const ring = createKeyRing({ keys: [rsa] });
  t.equal(ring.activeKid, rsa.kid);
  t.match(ring.verify(ring.sign(claims(), { typ: 'at+jwt' }), verifyOptions), { ok: true });
});

t.test('activeKid overrides the statuses but never picks a retired or missing key', async (t) => {
  const keys: PrivateJwk[] = [{ ...rsa, status: 'active' }, { ...ec, status: 'next' }, { ...ed, status: 'retired' }];
  t.equal(createKeyRing({ keys }, { activeKid: ec.kid }).activeKid, ec.kid);
  t.throws(() => createKeyRing({ keys }, { activeKid: ed.kid }), { code: 'INVALID_KEY_SET', message: /retired/ });
  t.throws(() => createKeyRing({ keys }, { activeKid: 'nope' }), { code: 'INVALID_KEY_SET', message: /not in the set/ });
});

t.test('sign never lets header extras override alg or kid', async (t) => {
  const ring = createKeyRing({ keys: [ec] });
  const token = ring.sign(claims(), { typ: 'at+jwt', alg: 'none', kid: 'evil', cty: 'x' });
  const header: unknown = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString());
  t.same(header, { alg: 'ES256', typ: 'at+jwt', kid: ec.kid, cty: 'x' });
  t.throws(() => ring.sign({ sub: 'no exp' } as never, { typ: 'at+jwt' }), TypeError);
});

t.test('bad key sets stop start-up with InvalidKeySetError', async (t) => {
  const cases: [string, unknown][] = [
    ['no keys', { keys: [] }],
    ['not an object', null],
    ['entry not an object', { keys: ['x'] }],
    ['missing kid', { keys: [{ ...rsa, kid: '' }] }],
    ['unknown alg', { keys: [{ ...rsa, alg: 'HS256' }] }],
    ['alg none', { keys: [{ ...rsa, alg: 'none' }] }],
    ['alg does not match key type', { keys: [{ ...rsa, alg: 'ES256' }] }],
    ['EdDSA on a P-256 key', { keys: [{ ...ec, alg: 'EdDSA' }] }],
    ['RS256 on a P-256 key', { keys: [{ ...ec, alg: 'RS256' }] }],
    ['use enc', { keys: [{ ...rsa, use: 'enc' }] }],
    ['unknown status', { keys: [{ ...rsa, status: 'pending' }] }],
    ['public key only', { keys: [{ ...ec, d: undefined }] }],
    ['duplicate kid', { keys: [rsa, { ...rsa, status: 'next' }] }],
    ['two active keys', { keys: [rsa, ec] }],
    ['no active key', { keys: [{ ...rsa, status: 'next' }] }],
  ];
  for (const [name, keySet] of cases) t.throws(() => createKeyRing(keySet as KeySet), InvalidKeySetError, name);
});

t.test('an RSA key below 2048 bits is refused', async (t) => {
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' });
  t.throws(() => createKeyRing({ keys: [{ ...small, kid: 'small', alg: 'RS256', use: 'sig' } as PrivateJwk] }), { message: /rsa key cannot be used for RS256/ });
});
