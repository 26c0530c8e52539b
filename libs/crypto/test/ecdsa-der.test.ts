import { generateKeyPairSync, sign, verify } from 'node:crypto';
import t from 'tap';
import { ecdsaRawToDer } from '../src/ecdsa-der.ts';

t.test('r||s re-encoded as DER verifies for many signatures (leading zeros and high bits)', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let failures = 0;
  for (let i = 0; i < 500; i++) {
    const data = Buffer.from(`message ${i}`);
    const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    if (!verify('sha256', data, publicKey, ecdsaRawToDer(raw))) failures++;
  }
  t.equal(failures, 0);
});

t.test('DER integers are minimal and positive (X.690 §8.3)', async (t) => {
  const r = Buffer.alloc(32);
  r[31] = 1;
  const s = Buffer.alloc(32, 0xff);
  t.same(
    ecdsaRawToDer(Buffer.concat([r, s])),
    Buffer.concat([Buffer.from([0x30, 3 + 35, 0x02, 1, 1, 0x02, 33, 0]), s]),
  );
  t.same(ecdsaRawToDer(Buffer.alloc(64)), Buffer.from([0x30, 6, 0x02, 1, 0, 0x02, 1, 0]));
});
