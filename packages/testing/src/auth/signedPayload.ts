/** The signature found in a request, and the exact bytes it must sign. */
export interface SignedPayload {
  /** The `signature` value as sent (still percent-encoded), or undefined. */
  signature: string | undefined;
  /** Query string without its signature, followed directly by the body without its signature. */
  payload: Buffer;
}

function split(raw: string): { rest: string; signature: string | undefined } {
  if (!raw.includes('signature=')) return { rest: raw, signature: undefined };
  let signature: string | undefined;
  const kept: string[] = [];
  for (const part of raw.split('&')) {
    if (part.startsWith('signature=')) signature ??= part.slice('signature='.length);
    else kept.push(part);
  }
  return { rest: kept.join('&'), signature };
}

/**
 * Cuts the `signature=` parameter out of the raw query and body. Both strings are latin1 views of the bytes on the
 * wire (Node hands the URL over that way), so `payload` is byte-for-byte what the client signed.
 */
export function signedPayload(rawQuery: string, rawBody: string): SignedPayload {
  const q = split(rawQuery);
  const b = split(rawBody);
  return { signature: q.signature ?? b.signature, payload: Buffer.from(q.rest + b.rest, 'latin1') };
}
