import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares secrets without an early exit. Hashing both sides first gives timingSafeEqual
 * equal-length inputs, so neither the first differing byte nor the length leaks.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}
