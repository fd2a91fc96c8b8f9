import type { RateLimit, RateLimitInterval } from '../errors/types.ts';

/** Length of one interval unit, in ms. */
export const INTERVAL_MS: Readonly<Record<RateLimitInterval, number>> = Object.freeze({
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
});

/** Header letters per interval unit (SECOND=>S, MINUTE=>M, HOUR=>H, DAY=>D). */
const INTERVAL_LETTER: Readonly<Record<RateLimitInterval, string>> = { SECOND: 'S', MINUTE: 'M', HOUR: 'H', DAY: 'D' };

/**
 * Length of a limit's window in ms: `intervalNum` × the unit, × `scale`.
 * `scale` lets tests and benchmarks run a "1 MINUTE" limit as a short window (`scale: 1 / 30` → 2 s).
 *
 * @example intervalMs({ rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 }) // 10_000
 */
export function intervalMs(limit: Pick<RateLimit, 'interval' | 'intervalNum'>, scale = 1): number {
  const unit = INTERVAL_MS[limit.interval];
  if (unit === undefined)
    throw new TypeError(`interval must be SECOND, MINUTE, HOUR or DAY, got ${String(limit.interval)}`);
  return limit.intervalNum * unit * scale;
}

/**
 * Start (server ms) of the fixed window of length `windowMs` that contains `serverNow`. Binance's windows are
 * aligned to its own clock from the epoch: minutes start on whole minutes, 10 s windows at :00, :10, …, and days
 * at 00:00 UTC — so the alignment must use the server clock, never the local one.
 */
export function windowStart(serverNow: number, windowMs: number): number {
  return Math.floor(serverNow / windowMs) * windowMs;
}

/**
 * The response header that reports usage of a limit: `X-MBX-USED-WEIGHT-1M` for REQUEST_WEIGHT,
 * `X-MBX-ORDER-COUNT-10S` for ORDERS; `undefined` for RAW_REQUESTS, which has none.
 */
export function headerName(limit: Pick<RateLimit, 'rateLimitType' | 'interval' | 'intervalNum'>): string | undefined {
  const suffix = intervalSuffix(limit);
  if (limit.rateLimitType === 'REQUEST_WEIGHT') return `X-MBX-USED-WEIGHT-${suffix}`;
  if (limit.rateLimitType === 'ORDERS') return `X-MBX-ORDER-COUNT-${suffix}`;
  return undefined;
}

/** A limit's interval as header names and `ordersByInterval` write it: `'1M'`, `'10S'`, `'1D'`. */
export function intervalSuffix(limit: Pick<RateLimit, 'interval' | 'intervalNum'>): string {
  return `${limit.intervalNum}${INTERVAL_LETTER[limit.interval] ?? '?'}`;
}

/**
 * A limit's identity across processes and across `learn()`: type and interval, not the limit value, so that
 * usage carries over when a new `limit` is learnt. E.g. `REQUEST_WEIGHT:1MINUTE`.
 */
export function limitKey(limit: Pick<RateLimit, 'rateLimitType' | 'interval' | 'intervalNum'>): string {
  return `${limit.rateLimitType}:${limit.intervalNum}${limit.interval}`;
}
