import { BinanceError, hasMarker } from './BinanceError.ts';
import type {
  BinanceAbortError,
  BinanceAuthError,
  BinanceCancelReplaceError,
  BinanceCircuitOpenError,
  BinanceFilterError,
  BinanceIpBanError,
  BinanceNetworkError,
  BinanceOrderNotFoundError,
  BinanceOrderRejectedError,
  BinanceRateLimitError,
  BinanceRequestError,
  BinanceRestrictedLocationError,
  BinanceServerBusyError,
  BinanceServerError,
  BinanceSignatureError,
  BinanceThrottleError,
  BinanceTimeoutError,
  BinanceTimestampError,
  BinanceUnknownOutcomeError,
  BinanceWafError,
} from './classes.ts';
import type { BinanceErrorCategory } from './types.ts';

/** The class that stands for each category. */
export interface BinanceErrorByCategory {
  network: BinanceNetworkError;
  timeout: BinanceTimeoutError;
  aborted: BinanceAbortError;
  'rate-limit': BinanceRateLimitError;
  'ip-ban': BinanceIpBanError;
  waf: BinanceWafError;
  'restricted-location': BinanceRestrictedLocationError;
  'server-busy': BinanceServerBusyError;
  'unknown-outcome': BinanceUnknownOutcomeError;
  server: BinanceServerError;
  auth: BinanceAuthError;
  signature: BinanceSignatureError;
  timestamp: BinanceTimestampError;
  request: BinanceRequestError;
  filter: BinanceFilterError;
  'order-rejected': BinanceOrderRejectedError;
  'not-found': BinanceOrderNotFoundError;
  partial: BinanceCancelReplaceError;
  'circuit-open': BinanceCircuitOpenError;
  throttled: BinanceThrottleError;
  unknown: BinanceError;
}

/** Any error this library throws; `switch (e.category)` narrows it to the class. */
export type AnyBinanceError = BinanceErrorByCategory[BinanceErrorCategory];

// A category also matches its subclasses' categories, as `instanceof` does.
const INCLUDES: Partial<Record<BinanceErrorCategory, readonly BinanceErrorCategory[]>> = {
  'rate-limit': ['rate-limit', 'ip-ban'],
  auth: ['auth', 'signature'],
};

/**
 * Whether `value` is a BinanceError, from this or any other copy of the package. With categories, whether it is
 * one of them ('rate-limit' includes 'ip-ban', 'auth' includes 'signature'), narrowing to the matching class.
 *
 * @example
 * ```ts
 * if (isBinanceError(e, 'rate-limit')) await sleep(e.retryAfterMs ?? 1000);
 * ```
 */
export function isBinanceError(value: unknown): value is AnyBinanceError;
export function isBinanceError<C extends BinanceErrorCategory>(
  value: unknown,
  ...categories: [C, ...C[]]
): value is BinanceErrorByCategory[C];
export function isBinanceError(value: unknown, ...categories: BinanceErrorCategory[]): boolean {
  if (!(value instanceof BinanceError) && !hasMarker(value)) return false;
  if (categories.length === 0) return true;
  const category = (value as BinanceError).category;
  return categories.some((c) => (INCLUDES[c] ?? [c]).includes(category));
}
