import t from 'tap';
import bcrypt from 'bcrypt';
import { PASSWORD_MAX_BYTES, PasswordTooLongError, createPasswordHasher, passwordByteLength } from '../src/index.ts';
import type { BcryptImpl } from '../src/index.ts';

function countingBcrypt(): BcryptImpl & { compares: number; hashes: number } {
  const impl = {
    compares: 0,
    hashes: 0,
    hash(data: string, rounds: number) {
      impl.hashes++;
      return bcrypt.hash(data, rounds);
    },
    compare(data: string, encrypted: string) {
      impl.compares++;
      return bcrypt.compare(data, encrypted);
    },
    getRounds: (encrypted: string) => bcrypt.getRounds(encrypted),
  };
  return impl;
}

t.test('hash then verify accepts the password and refuses another', async (t) => {
  const hasher = createPasswordHasher({ cost: 4 });
  const hash = await hasher.hash('correct horse battery staple');
  t.match(hash, /^\$2[aby]\$04\$/);
  t.equal(await hasher.verify('correct horse battery staple', hash), true);
  t.equal(await hasher.verify('correct horse battery stapler', hash), false);
});

t.test('passwordByteLength counts UTF-8 bytes, not characters', async (t) => {
  t.equal(PASSWORD_MAX_BYTES, 72);
  t.equal(passwordByteLength('abc'), 3);
  t.equal(passwordByteLength('é'), 2);
  t.equal(passwordByteLength('🔑'), 4);
});

t.test('a password of exactly 72 bytes is accepted; 73 is refused with a typed error', async (t) => {
  const hasher = createPasswordHasher({ cost: 4 });
  const exact = 'é'.repeat(36);
  t.equal(passwordByteLength(exact), 72);
  t.equal(await hasher.verify(exact, await hasher.hash(exact)), true);
  await t.rejects(hasher.hash(`${exact}a`), { name: 'PasswordTooLongError', code: 'PASSWORD_TOO_LONG' });
  await t.rejects(hasher.hash('🔑'.repeat(19)), PasswordTooLongError);
});

t.test('two passwords sharing their first 72 bytes can never both verify', async (t) => {
  const impl = countingBcrypt();
  const hasher = createPasswordHasher({ cost: 4, impl });
  const prefix = 'p'.repeat(72);
  await t.rejects(hasher.hash(`${prefix}a`), { code: 'PASSWORD_TOO_LONG' });

  const hash = await hasher.hash(prefix);
  const long = `${prefix}${'x'.repeat(8)}`;
  t.equal(passwordByteLength(long), 80);
  // Plain bcrypt would accept it: that is the truncation this guards against.
  t.equal(await bcrypt.compare(long, hash), true);
  const comparesBefore = impl.compares;
  t.equal(await hasher.verify(long, hash), false);
  t.equal(impl.compares - comparesBefore, 1, 'an over-long password still pays one compare');
});

t.test('verifyDummy pays one real compare at the configured cost and returns false', async (t) => {
  const impl = countingBcrypt();
  const hasher = createPasswordHasher({ cost: 5, impl });
  t.equal(await hasher.verifyDummy('anything'), false);
  t.equal(await hasher.verifyDummy('anything else'), false);
  t.equal(impl.compares, 2);
  t.equal(impl.hashes, 1, 'the dummy hash is made once and cached');
});

t.test('prepareDummy makes the dummy hash that verifyDummy then reuses', async (t) => {
  const impl = countingBcrypt();
  const hasher = createPasswordHasher({ cost: 4, impl });
  const preparing = hasher.prepareDummy();
  t.equal(await hasher.verifyDummy('early login'), false, 'a verify during preparation awaits the same hash');
  await preparing;
  await hasher.prepareDummy();
  t.equal(impl.hashes, 1, 'one hash, whoever asked first');
  t.equal(impl.compares, 1, 'preparing compares nothing');
});

t.test('concurrent first verifyDummy calls still make a single dummy hash', async (t) => {
  const impl = countingBcrypt();
  const hasher = createPasswordHasher({ cost: 4, impl });
  await Promise.all([hasher.verifyDummy('a'), hasher.verifyDummy('b'), hasher.verifyDummy('c')]);
  t.equal(impl.hashes, 1);
  t.equal(impl.compares, 3);
});

t.test('verifyDummy compares against a hash of the configured cost, so it costs a real verify', async (t) => {
  const impl = countingBcrypt();
  const seen: string[] = [];
  const recording: BcryptImpl = { ...impl, compare: (data, encrypted) => (seen.push(encrypted), impl.compare(data, encrypted)) };
  const hasher = createPasswordHasher({ cost: 6, impl: recording });
  await hasher.verifyDummy('guess');
  t.equal(seen.length, 1);
  t.equal(bcrypt.getRounds(seen[0] ?? ''), 6);
});

t.test('needsRehash is true only when the stored cost is below the configured cost', async (t) => {
  const low = await bcrypt.hash('pw', 4);
  const high = await bcrypt.hash('pw', 6);
  const hasher = createPasswordHasher({ cost: 5 });
  t.equal(hasher.needsRehash(low), true);
  t.equal(hasher.needsRehash(high), false);
  t.equal(createPasswordHasher({ cost: 4 }).needsRehash(low), false);
  t.equal(hasher.needsRehash('not a bcrypt hash'), true);
});

t.test('cost defaults to 12 and must be a sane integer', async (t) => {
  t.equal(createPasswordHasher().cost, 12);
  t.throws(() => createPasswordHasher({ cost: 3 }), RangeError);
  t.throws(() => createPasswordHasher({ cost: 10.5 }), RangeError);
  t.throws(() => createPasswordHasher({ cost: 32 }), RangeError);
});

t.test('a password holding U+0000 never reaches bcrypt, which would stop reading at the NUL', async (t) => {
  const impl = countingBcrypt();
  const hasher = createPasswordHasher({ cost: 4, impl });
  const stored = await hasher.hash('abc');
  t.equal(await hasher.verify('abc\u0000abc\u0000abc', stored), false, 'does not verify as `abc`');
  t.equal(impl.compares, 0);
  await t.rejects(hasher.hash('abc\u0000def'), { code: 'PASSWORD_HAS_NUL' });
});
