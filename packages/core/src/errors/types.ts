/**
 * What went wrong, in one word. Each category maps to exactly one error class (see {@link BinanceErrorClassFor}).
 */
export type BinanceErrorCategory =
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'rate-limit'
  | 'ip-ban'
  | 'waf'
  | 'restricted-location'
  | 'server-busy'
  | 'unknown-outcome'
  | 'server'
  | 'auth'
  | 'signature'
  | 'timestamp'
  | 'request'
  | 'filter'
  | 'order-rejected'
  | 'not-found'
  | 'partial'
  | 'circuit-open'
  | 'throttled'
  | 'unknown';

/**
 * Whether the request may have changed state on the exchange.
 * - `'no'`: the exchange certainly did not act on it (rejected, or never sent).
 * - `'unknown'`: it may or may not have executed; query the order before acting again.
 * - `'partial'`: part of it executed (a cancel-replace where exactly one half succeeded).
 */
export type Executed = 'no' | 'unknown' | 'partial';

/** The rate limiter kinds Binance reports in `exchangeInfo.rateLimits`. */
export type RateLimitType = 'REQUEST_WEIGHT' | 'ORDERS' | 'RAW_REQUESTS';

/** Interval units used by Binance rate limits. */
export type RateLimitInterval = 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY';

/** One limit in `exchangeInfo`'s shape, e.g. `{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 }`. */
export interface RateLimit {
  rateLimitType: RateLimitType;
  interval: RateLimitInterval;
  intervalNum: number;
  limit: number;
}

/** A rate limit with its current usage, as WebSocket API frames report it in `rateLimits`. */
export interface RateLimitUsage extends RateLimit {
  count?: number;
}

/** The request an error belongs to, with every secret removed from `url`. */
export interface RedactedRequest {
  method: string;
  url: string;
}

/** The HTTP response view kept on an error, so `err.response?.status` and `err.response?.data` keep answering. */
export interface BinanceErrorResponse {
  status: number;
  headers: Record<string, string>;
  data: unknown;
}
