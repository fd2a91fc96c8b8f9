/**
 * The text of a request body an adapter hands to the guard, which signs it byte for byte: a string, bytes
 * (`Buffer`, `Uint8Array`, `ArrayBuffer`, read as UTF-8) or `URLSearchParams`; `undefined` for no body.
 *
 * Binance's REST API takes `application/x-www-form-urlencoded` parameters. Anything else (a stream, `FormData`,
 * an object for JSON) could not be signed as it will be sent, so it is refused with a TypeError naming what was
 * given, before anything is sent — never dropped or sent unsigned.
 */
export function formBody(body: unknown, client: string): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
  const kind = typeof body === 'object' ? (body.constructor?.name ?? 'object') : typeof body;
  throw new TypeError(
    `binance-errors (${client}) cannot sign a request body of type ${kind}: Binance takes form parameters. ` +
      'Send a string, Buffer or URLSearchParams body (or query parameters) instead.',
  );
}

/**
 * The content type to send with a body the guard signed as form parameters, or `undefined` to keep `current`.
 * No type, or `text/plain` (what fetch gives a string body), becomes `application/x-www-form-urlencoded`, because
 * Binance reads parameters from form bodies only; a type the caller chose otherwise is theirs to keep.
 */
export function formContentType(current: string | null | undefined): string | undefined {
  return current == null || current === '' || /^\s*text\/plain\b/i.test(current)
    ? 'application/x-www-form-urlencoded'
    : undefined;
}
