import { clampServerWait } from '../time/limits.ts';

/**
 * Parses a `Retry-After` header value — delay-seconds or an HTTP-date — into milliseconds from `now`, cut to
 * `MAX_SERVER_WAIT_MS` (a larger value comes from a broken or hostile proxy, never from Binance). Returns
 * `undefined` for anything else. Binance sends seconds on 418 and 429.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return clampServerWait(Math.round(Number(text) * 1000));
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : clampServerWait(date - now);
}
