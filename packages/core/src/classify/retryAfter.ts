/**
 * Parses a `Retry-After` header value — delay-seconds or an HTTP-date — into milliseconds from `now`.
 * Returns `undefined` for anything else. Binance sends seconds on 418 and 429.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
