import type { RateLimit } from '../errors/types.ts';

/**
 * The Spot `/api/` limits at the time of writing, used until `learn()` sees exchangeInfo's own: 6,000 request
 * weight a minute, 50 orders per 10 s and 160,000 a day, 300,000 raw requests per 5 minutes.
 */
export const DEFAULT_RATE_LIMITS: readonly RateLimit[] = Object.freeze([
  Object.freeze({ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 } as const),
  Object.freeze({ rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 } as const),
  Object.freeze({ rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 160000 } as const),
  Object.freeze({ rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 300000 } as const),
]);
