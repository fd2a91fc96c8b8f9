/**
 * The text of a request body an adapter hands to the guard, which signs it byte for byte: a string, bytes
 * (`Buffer`, `Uint8Array`, `ArrayBuffer`, read as UTF-8), `URLSearchParams`, or a flat object of strings, numbers
 * and booleans (axios `data`, ky `json`, got `json`/`form`), which is sent as form parameters; `undefined` for no
 * body. `null` and `undefined` fields of an object are left out, as axios leaves them out of `params`.
 *
 * Binance's REST API takes `application/x-www-form-urlencoded` parameters. Anything that could not be signed as it
 * will be sent (a nested object or array, `FormData`, a `Blob`, a stream) is refused with a TypeError naming what
 * was given, before anything is sent — never dropped or sent unsigned.
 */
export function formBody(body: unknown, client: string): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
  if (isPlainObject(body)) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(body)) {
      if (value === undefined || value === null) continue;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        form.append(name, String(value));
        continue;
      }
      throw new TypeError(
        `binance-errors (${client}) cannot sign an object body whose field "${name}" is ${Array.isArray(value) ? 'an array' : `of type ${kindOf(value)}`}: ` +
          'Binance takes flat form parameters. Send strings, numbers and booleans (a list as a JSON string, e.g. ' +
          'symbols=\'["BTCUSDT","ETHUSDT"]\').',
      );
    }
    return form.toString();
  }
  throw new TypeError(
    `binance-errors (${client}) cannot sign a request body of type ${kindOf(body)}: Binance takes form parameters. ` +
      'Send a flat object, a string, Buffer or URLSearchParams body (or query parameters) instead.',
  );
}

/**
 * The content type to send with a body the guard signed as form parameters, or `undefined` to keep `current`.
 * No type, `text/plain` (what fetch gives a string body) or `application/json` (what clients give an object body)
 * becomes `application/x-www-form-urlencoded`, because Binance reads parameters from form bodies only; another
 * type the caller chose is theirs to keep.
 */
export function formContentType(current: string | null | undefined): string | undefined {
  return current == null || current === '' || /^\s*(text\/plain|application\/json)\b/i.test(current)
    ? 'application/x-www-form-urlencoded'
    : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'Array';
  return typeof value === 'object' && value !== null ? (value.constructor?.name ?? 'object') : typeof value;
}
