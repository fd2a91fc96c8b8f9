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
  if (!date) return undefined;
  // asctime's form names no zone; HTTP dates are GMT, where `Date.parse` would read it as local time.
  return clampServerWait(Date.parse(date[2] === undefined ? date[1]! : `${date[1]} GMT`) - now);
}

const DELAY_SECONDS = /^\s*(\d+(?:\.\d+)?)\s*(?:,|$)/;
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** A zone as gateways write one: HTTP's GMT, or RFC 5322's (Go's RFC1123 writes UTC; PHP and Python +0000). */
const ZONE = '(?:GMT|UTC|UT|Z|[+-]\\d{4})';
/**
 * IMF-fixdate (with any such zone) and RFC 850's form, then asctime's (group 2 marks it: it names no zone), as RFC
 * 9110 §5.6.7 has recipients read them; the first of a joined list.
 */
const HTTP_DATE = new RegExp(
  `^\\s*(${DAY}, \\d{1,2} ${MONTH} \\d{4} ${TIME} ${ZONE}|[A-Z][a-z]+day, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT|${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}($|(?=\\s*,)))\\s*(?:,|$)`,
);
