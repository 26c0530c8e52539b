// bcrypt reads only the first 72 bytes of its input. Silently truncating would let two
// different passwords sharing a 72-byte prefix both verify, so longer ones are refused.
export const PASSWORD_MAX_BYTES = 72;

export function passwordByteLength(password: string): number {
  return Buffer.byteLength(password, 'utf8');
}

export function isPasswordTooLong(password: string): boolean {
  return passwordByteLength(password) > PASSWORD_MAX_BYTES;
}
