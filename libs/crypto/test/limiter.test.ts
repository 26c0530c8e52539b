import t from 'tap';
import { createPasswordHasher } from '../src/index.ts';
import { createLimiter } from '../src/limiter.ts';
import { mapLimited } from '../src/map-limited.ts';

t.test('the limiter never runs more than its limit and serves waiters in order', async (t) => {
  const limit = createLimiter(2);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  await Promise.all(Array.from({ length: 8 }, (_, i) => limit(async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    order.push(i);
    running--;
  })));
  t.equal(peak, 2);
  t.same(order, [0, 1, 2, 3, 4, 5, 6, 7]);
  t.throws(() => createLimiter(0), RangeError);
});

t.test('a failing task frees its slot', async (t) => {
  const limit = createLimiter(1);
  await t.rejects(limit(async () => { throw new Error('boom'); }), /boom/);
  t.equal(await limit(async () => 'next'), 'next');
});

t.test('the hasher bounds concurrent bcrypt work (a login burst cannot take every thread)', async (t) => {
  let running = 0;
  let peak = 0;
  const slow = async <T>(value: T): Promise<T> => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running--;
    return value;
  };
  const hasher = createPasswordHasher({
    cost: 4,
    maxConcurrency: 1,
    impl: { hash: async () => slow('$2b$04$x'), compare: async () => slow(false), getRounds: () => 4 },
  });
  await Promise.all([...Array.from({ length: 5 }, () => hasher.verify('password1', '$2b$04$x')), hasher.verifyDummy('x'), hasher.hash('password1')]);
  t.equal(peak, 1);
});

t.test('mapLimited: results in item order, never more than the limit at once, no new task after a failure', async (t) => {
  let running = 0;
  let peak = 0;
  const results = await mapLimited([5, 1, 3, 2], 2, async (value, index) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setImmediate(resolve));
    running--;
    return `${index}:${value}`;
  });
  t.same(results, ['0:5', '1:1', '2:3', '3:2']);
  t.equal(peak, 2);
  const started: number[] = [];
  await t.rejects(mapLimited([0, 1, 2, 3, 4], 1, async (value) => {
    started.push(value);
    if (value === 1) throw new Error('boom');
  }), { message: 'boom' });
  t.same(started, [0, 1], 'nothing starts after the first failure');
  t.same(await mapLimited([], 4, async () => 1), []);
});

t.test('the queue is capped: one task past it is refused at once, unrun', async (t) => {
  const limit = createLimiter(1, { maxQueue: 2 });
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => { open = resolve; });
  const ran: number[] = [];
  const tasks = [0, 1, 2].map((i) => limit(async () => { ran.push(i); await gate; return i; }));
  t.equal(limit.refusesNow(), true, 'refusesNow says so before anything is offered');
  await t.rejects(limit(async () => { ran.push(3); }), { name: 'BusyError', reason: 'queue-full' });
  open();
  t.same(await Promise.all(tasks), [0, 1, 2], 'the running one and the two in line finish');
  t.same(ran, [0, 1, 2], 'the refused one never ran');
  t.equal(limit.refusesNow(), false, 'a free slot admits again');
});

t.test('work waiting past its deadline, or whose caller has gone, leaves the line unrun', async (t) => {
  const limit = createLimiter(1, { maxWaitMs: 20 });
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => { open = resolve; });
  const ran: string[] = [];
  const running = limit(async () => { ran.push('running'); await gate; });
  await t.rejects(limit(async () => { ran.push('late'); }), { name: 'BusyError', reason: 'deadline' });
  const caller = new AbortController();
  const gone = limit(async () => { ran.push('gone'); }, caller.signal);
  caller.abort();
  await t.rejects(gone, { name: 'BusyError', reason: 'gone' });
  await t.rejects(limit(async () => { ran.push('already gone'); }, caller.signal), { name: 'BusyError', reason: 'gone' });
  open();
  await running;
  t.same(ran, ['running'], 'only the task that had its turn ran');
  t.equal(await limit(async () => 'next'), 'next', 'the dropped ones left no slot taken');
});

t.test('once its pace is measured, a task that would wait past the deadline is refused at once, unrun', async (t) => {
  const limit = createLimiter(1, { maxWaitMs: 200 });
  // Four tasks of about 20 ms each set the pace (the clock is real; only the order is asserted).
  for (let i = 0; i < 4; i++) await limit(() => new Promise((resolve) => setTimeout(resolve, 20)));
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => { open = resolve; });
  const ran: number[] = [];
  const running = limit(async () => { await gate; });
  const settled: Array<'refused' | 'ran'> = [];
  const line = Array.from({ length: 40 }, (_, i) => limit(async () => { ran.push(i); }).then(() => { settled.push('ran'); }, (error: unknown) => {
    t.match(error, { name: 'BusyError', reason: 'deadline' });
    settled.push('refused');
  }));
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(limit.refusesNow(), true, 'the pace says the next one would wait too long: refusesNow knows it');
  const refusedAtOnce = settled.filter((outcome) => outcome === 'refused').length;
  t.ok(refusedAtOnce > 0 && refusedAtOnce < 40, `the tail of the line is refused before the slot frees (${refusedAtOnce} of 40), the head is admitted`);
  open();
  await running;
  await Promise.all(line);
  t.equal(ran.length, 40 - refusedAtOnce, 'the admitted ones ran, the refused ones never did');
  t.same(ran, [...ran].sort((a, b) => a - b), 'in order');
});
