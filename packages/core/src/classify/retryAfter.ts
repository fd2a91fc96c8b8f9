import { clampServerWait } from '../time/limits.ts';

/**
 * Parses a `Retry-After` header value — delay-seconds or an HTTP-date — into milliseconds from `now`, cut to
 * `MAX_SERVER_WAIT_MS` (a larger value comes from a broken or hostile proxy, never from Binance). Returns
 * `undefined` for anything else. Binance sends seconds on 418 and 429.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  // Two headers come joined by fetch as "2, 2": the first one counts, as in the other clients.
  const seconds = DELAY_SECONDS.exec(value);
  if (seconds) return clampServerWait(Math.round(Number(seconds[1]) * 1000));
  // Only the three forms HTTP defines: `Date.parse` alone reads "-5", "+5" or "2, 3" as dates in 2001, a wait of 0.
  const date = HTTP_DATE.exec(value);
  return date ? clampServerWait(Date.parse(date[1]!) - now) : undefined;
}

const DELAY_SECONDS = /^\s*(\d+(?:\.\d+)?)\s*(?:,|$)/;
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** IMF-fixdate, RFC 850's and asctime's forms (RFC 9110 §5.6.7), the first of a joined list. */
const HTTP_DATE = new RegExp(
  `^\\s*(${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT|[A-Z][a-z]+day, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT|${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4})\\s*(?:,|$)`,
);
