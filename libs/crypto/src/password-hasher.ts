import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import bcrypt from 'bcrypt';
import { PasswordHasNulError, PasswordTooLongError } from './errors.ts';
import { createLimiter } from './limiter.ts';
import { PASSWORD_MAX_BYTES, isPasswordTooLong } from './password-length.ts';

/** The subset of the bcrypt package we call; injectable so tests can count compares. */
export interface BcryptImpl {
  hash(data: string, rounds: number): Promise<string>;
  compare(data: string, encrypted: string): Promise<boolean>;
  getRounds(encrypted: string): number;
}

export interface PasswordHasherOptions {
  /** bcrypt cost factor (log2 of rounds); OWASP suggests at least 10. */
  cost?: number;
  impl?: BcryptImpl;
  /** Hashes and compares running at once; more wait their turn. Default: the cores available. */
  maxConcurrency?: number;
  /** Hashes and compares allowed to wait; beyond it they fail at once with BusyError. Default: no bound. */
  maxQueue?: number;
  /** Longest wait for a turn, in ms; past it the work is dropped unrun (BusyError). Default: none. */
  maxWaitMs?: number;
  /** Called as each hash or compare gets a slot, with its wait in seconds (the bcrypt queue metric). */
  onQueueWait?: (seconds: number) => void;
  /** Runs each hash and compare (once it has its slot) inside a trace span: `inSpan` from the platform. */
  span?: <T>(name: 'bcrypt.hash' | 'bcrypt.compare', run: () => Promise<T>) => Promise<T>;
}

export interface PasswordHasher {
  readonly cost: number;
  /** Throws PasswordTooLongError above PASSWORD_MAX_BYTES. */
  /** `signal`: the caller has gone; work still waiting for its turn is dropped (BusyError). */
  hash(password: string, signal?: AbortSignal): Promise<string>;
  verify(password: string, hash: string, signal?: AbortSignal): Promise<boolean>;
  /** Pays one real compare and returns false: for accounts that do not exist. */
  verifyDummy(password: string, signal?: AbortSignal): Promise<false>;
  /** Starts making the dummy hash (once); resolves when it is ready. verifyDummy awaits the same work. */
  prepareDummy(): Promise<void>;
  needsRehash(hash: string): boolean;
  /** Hashes and compares waiting for a slot now. */
  readonly queued: number;
  /** A hash or compare asked for now would be refused unrun (BusyError): the line is full or too slow. */
  refusesNow(): boolean;
}

const DEFAULT_COST = 12;
const MIN_COST = 4;
const MAX_COST = 31;

export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const cost = options.cost ?? DEFAULT_COST;
  const raw: BcryptImpl = options.impl ?? bcrypt;
  const onQueueWait = options.onQueueWait;
  const span = options.span;
  const limit = createLimiter(options.maxConcurrency ?? availableParallelism(), {
    ...(options.maxQueue === undefined ? {} : { maxQueue: options.maxQueue }),
    ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
    ...(onQueueWait === undefined ? {} : { onStart: (ms: number) => onQueueWait(ms / 1000) }),
  });
  const impl = {
    hash: (data: string, rounds: number, signal?: AbortSignal) => limit(() => (span === undefined ? raw.hash(data, rounds) : span('bcrypt.hash', () => raw.hash(data, rounds))), signal),
    compare: (data: string, encrypted: string, signal?: AbortSignal) => limit(() => (span === undefined ? raw.compare(data, encrypted) : span('bcrypt.compare', () => raw.compare(data, encrypted))), signal),
    getRounds: (encrypted: string) => raw.getRounds(encrypted),
  };
  if (!Number.isInteger(cost) || cost < MIN_COST || cost > MAX_COST) {
    throw new RangeError(`bcrypt cost must be an integer in [${MIN_COST}, ${MAX_COST}], got ${cost}`);
  }

  // Made once, lazily, at the configured cost: an unknown email must cost exactly what a
  // wrong password costs, or response times reveal which accounts exist.
  let dummyHash: Promise<string> | undefined;
  const getDummyHash = (): Promise<string> => {
    // A refused attempt (the line was full) is forgotten, so the next caller tries again.
    dummyHash ??= impl.hash(randomBytes(32).toString('base64url'), cost).catch((error: unknown) => {
      dummyHash = undefined;
      throw error;
    });
    return dummyHash;
  };

  return {
    cost,

    get queued() {
      return limit.queued;
    },

    refusesNow: () => limit.refusesNow(),

    async hash(password, signal) {
      if (isPasswordTooLong(password)) throw new PasswordTooLongError(PASSWORD_MAX_BYTES);
      if (password.includes('\u0000')) throw new PasswordHasNulError();
      return impl.hash(password, cost, signal);
    },

    async verify(password, hash, signal) {
      // bcrypt would stop at the NUL and could say yes for a mere prefix. Callers refuse such
      // input (400) before it gets here; this is the last line, not the answer.
      if (password.includes('\u0000')) return false;
      // bcrypt would compare only the first 72 bytes and could say yes; still pay the
      // compare so an over-long guess costs the same as any other wrong password.
      if (isPasswordTooLong(password)) {
        await impl.compare(password, hash, signal);
        return false;
      }
      return impl.compare(password, hash, signal);
    },

    async verifyDummy(password, signal) {
      await impl.compare(password, await getDummyHash(), signal);
      return false;
    },

    async prepareDummy() {
      await getDummyHash();
    },

    needsRehash(hash) {
      try {
        return impl.getRounds(hash) < cost;
      } catch {
        return true;
      }
    },
  };
}
