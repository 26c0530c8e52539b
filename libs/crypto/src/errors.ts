// The one error list of @gatehouse/crypto. Input that comes from the network never throws
// (verifyJwt, openWithToken and verify return a result); these errors are for calls that
// are bugs or bad configuration and should stop the request or the process.

export class PasswordTooLongError extends Error {
  readonly code = 'PASSWORD_TOO_LONG';
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super(`password longer than ${maxBytes} UTF-8 bytes`);
    this.name = 'PasswordTooLongError';
    this.maxBytes = maxBytes;
  }
}

/** bcrypt stops reading at a NUL byte, so `abc\0def` would hash (and verify) as `abc`. */
export class PasswordHasNulError extends Error {
  readonly code = 'PASSWORD_HAS_NUL';

  constructor() {
    super('password contains U+0000');
    this.name = 'PasswordHasNulError';
  }
}

/**
 * bcrypt work refused unrun: the line is full, the wait passed its deadline, or the caller has
 * gone. Services answer 503 with Retry-After; nothing was checked, so nothing is counted.
 */
export class BusyError extends Error {
  readonly code = 'PASSWORD_HASHER_BUSY';
  readonly reason: 'queue-full' | 'deadline' | 'gone';

  constructor(reason: 'queue-full' | 'deadline' | 'gone') {
    super(`password hasher busy: ${reason}`);
    this.name = 'BusyError';
    this.reason = reason;
  }
}

export class InvalidKeySetError extends Error {
  readonly code = 'INVALID_KEY_SET';

  constructor(message: string) {
    super(`invalid signing key set: ${message}`);
    this.name = 'InvalidKeySetError';
  }
}
