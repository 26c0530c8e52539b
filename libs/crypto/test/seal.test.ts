import t from 'tap';
import { generateOpaqueToken, openWithToken, sealWithToken } from '../src/index.ts';

const context = 'refresh-successor';

t.test('a sealed value opens with the same token and context', async (t) => {
  const token = generateOpaqueToken();
  const plaintext = JSON.stringify({ refreshToken: generateOpaqueToken(), accessToken: 'a.b.c', note: 'é🔑' });
  const sealed = sealWithToken(token, plaintext, context);
  t.match(sealed, /^v1(\.[A-Za-z0-9_-]*){4}$/);
  t.equal(openWithToken(token, sealed, context), plaintext);
  t.equal(openWithToken(token, sealWithToken(token, '', context), context), '');
});

t.test('sealing twice gives different output (random salt and IV)', async (t) => {
  const token = generateOpaqueToken();
  t.not(sealWithToken(token, 'same', context), sealWithToken(token, 'same', context));
});

t.test('the wrong token or the wrong context opens nothing', async (t) => {
  const token = generateOpaqueToken();
  const sealed = sealWithToken(token, 'secret', context);
  t.equal(openWithToken(generateOpaqueToken(), sealed, context), undefined);
  t.equal(openWithToken(token, sealed, 'another-purpose'), undefined);
});

t.test('tampering with any part opens nothing and never throws', async (t) => {
  const token = generateOpaqueToken();
  const sealed = sealWithToken(token, 'secret successor', context);
  const parts = sealed.split('.');
  for (let i = 1; i < parts.length; i++) {
    const bytes = Buffer.from(parts[i] ?? '', 'base64url');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const tampered = parts.map((part, j) => (j === i ? bytes.toString('base64url') : part)).join('.');
    t.equal(openWithToken(token, tampered, context), undefined, `part ${i} flipped`);
  }
  const garbage = ['', 'v1', 'v1....', 'v2.a.b.c.d', `${sealed}.x`, sealed.slice(0, -2), sealed.replace('v1.', 'v1.+'), 'v1.!.!.!.!'];
  for (const input of garbage) t.equal(openWithToken(token, input, context), undefined, JSON.stringify(input));
  t.equal(openWithToken(token, 42 as unknown as string, context), undefined);
});
