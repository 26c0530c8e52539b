import t from 'tap';
import { constantTimeEqual, generateOpaqueToken, hashToken } from '../src/index.ts';

t.test('opaque tokens are 256 bits of base64url without padding', async (t) => {
  const token = generateOpaqueToken();
  t.match(token, /^[A-Za-z0-9_-]{43}$/);
  t.equal(Buffer.from(token, 'base64url').length, 32);
});

t.test('10k opaque tokens are all different', async (t) => {
  const tokens = new Set(Array.from({ length: 10_000 }, generateOpaqueToken));
  t.equal(tokens.size, 10_000);
});

t.test('hashToken is a deterministic base64url SHA-256', async (t) => {
  const token = generateOpaqueToken();
  t.equal(hashToken(token), hashToken(token));
  t.match(hashToken(token), /^[A-Za-z0-9_-]{43}$/);
  t.not(hashToken(token), hashToken(generateOpaqueToken()));
  // SHA-256("abc"), FIPS 180-2 test vector.
  t.equal(hashToken('abc'), Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex').toString('base64url'));
});

t.test('constantTimeEqual compares whole strings of any length', async (t) => {
  const token = generateOpaqueToken();
  t.equal(constantTimeEqual(token, token), true);
  t.equal(constantTimeEqual(token, `${token}x`), false);
  t.equal(constantTimeEqual(token, token.slice(0, -1)), false);
  t.equal(constantTimeEqual('', ''), true);
  t.equal(constantTimeEqual('', 'a'), false);
  t.equal(constantTimeEqual('é', 'e\u0301'), false);
});
