const ALPHABET = /^[A-Za-z0-9_-]*$/;

/**
 * Strict base64url (RFC 4648 §5, no padding) as JWS requires (RFC 7515 §2).
 * Buffer.from(s, 'base64url') skips bad characters; accepting only the canonical
 * encoding keeps one token from having several spellings.
 */
export function decodeBase64url(input: string): Buffer | undefined {
  if (input.length % 4 === 1 || !ALPHABET.test(input)) return undefined;
  const bytes = Buffer.from(input, 'base64url');
  return bytes.toString('base64url') === input ? bytes : undefined;
}

export function encodeBase64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}
