// node:crypto verifies ECDSA fastest with a bare KeyObject, which implies DER signatures;
// the options form needed for dsaEncoding: 'ieee-p1363' costs about a third more per call.
// JOSE carries r||s (RFC 7518 §3.4), so we re-encode as DER (SEC 1 §C.5, X.690).
// For fixed-length r and s this mapping is one-to-one, so it adds no malleability.

function derInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  const padded = trimmed.readUInt8(0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return Buffer.concat([Buffer.from([0x02, padded.length]), padded]);
}

/** r||s with each half `signature.length / 2` bytes, as an ASN.1 DER ECDSA-Sig-Value. */
export function ecdsaRawToDer(signature: Buffer): Buffer {
  const half = signature.length / 2;
  const body = Buffer.concat([derInteger(signature.subarray(0, half)), derInteger(signature.subarray(half))]);
  // Short-form length: P-256 bodies are at most 70 bytes.
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}
