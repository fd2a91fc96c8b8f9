/**
 * One header's value from any shape a client holds headers in: a `Headers`-like object with `get`, or a plain
 * record in lower case, in Binance's own spelling `canonical`, or in any other casing. `lower` is the lower-case
 * name. `undefined` when absent, and when the object throws (a hostile getter or proxy) rather than an exception.
 */
export function headerValue(headers: unknown, lower: string, canonical: string): unknown {
  if (headers === null || typeof headers !== 'object') return undefined;
  try {
    const record = headers as Record<string, unknown>;
    // The lower-case property first: got's plain record and axios's AxiosHeaders hold a response's headers so,
    // and reading it costs far less than AxiosHeaders' case-insensitive `get`.
    const own = record[lower];
    if (own !== undefined && own !== null) return own;
    // A `Headers`-like object answers in any casing.
    if (typeof (headers as { get?: unknown }).get === 'function') {
      const value = (headers as { get(name: string): unknown }).get(lower);
      return value === null ? undefined : value;
    }
    const value = record[canonical];
    if (value !== undefined) return value;
    // Plain records from some clients keep the server's casing; a scan is the last resort, not the norm.
    for (const key of Object.keys(record)) {
      if (key.length === lower.length && key.toLowerCase() === lower) return record[key];
    }
  } catch {
    // Reports nothing rather than breaking the request or the response.
  }
  return undefined;
}
