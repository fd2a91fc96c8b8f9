/** The limiter kinds Binance lists in `exchangeInfo.rateLimits`. */
export type RateLimitType = 'REQUEST_WEIGHT' | 'ORDERS' | 'RAW_REQUESTS';

/** Interval units of a rate limit. */
export type RateLimitInterval = 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY';

/** One limit in `exchangeInfo`'s shape, e.g. `{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 }`. */
export interface RateLimit {
  rateLimitType: RateLimitType;
  interval: RateLimitInterval;
  intervalNum: number;
  limit: number;
}

/**
 * A limit as the fake enforces it. `intervalMs` shortens (or lengthens) the real window so tests run in seconds,
 * while `interval`/`intervalNum` keep naming it in headers (`X-MBX-USED-WEIGHT-1M`), messages and `exchangeInfo`.
 *
 * @example { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100, intervalMs: 2000 }
 */
export interface FakeRateLimit extends RateLimit {
  /** Real length of the window, in ms. @default intervalNum × the interval's length ÷ `timeScale` */
  intervalMs?: number;
}

/** A limit with the current usage of one client (or account for ORDERS), like WebSocket API frames report. */
export interface RateLimitUsage extends RateLimit {
  /** Window length actually enforced, in ms. */
  intervalMs: number;
  /** Usage in the current window: weight, raw requests or orders. */
  count: number;
}

/** The limits the live exchange announced at the time of writing. */
export const DEFAULT_RATE_LIMITS: readonly RateLimit[] = Object.freeze([
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
  { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 },
  { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 160000 },
  { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 300000 },
]);

/** Length of one interval unit, in ms. */
export const INTERVAL_MS: Readonly<Record<RateLimitInterval, number>> = {
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};

/** Header letters per interval unit (SECOND=>S, MINUTE=>M, HOUR=>H, DAY=>D). */
export const INTERVAL_LETTER: Readonly<Record<RateLimitInterval, string>> = {
  SECOND: 'S',
  MINUTE: 'M',
  HOUR: 'H',
  DAY: 'D',
};

/** USDⓈ-M Futures' default limits: 2400 weight a minute per IP, 300 orders per 10 s and 1200 a minute per account. */
export const USDM_RATE_LIMITS: readonly RateLimit[] = Object.freeze([
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
  { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
  { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
]);
