import { BinanceError } from './BinanceError.ts';
import {
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

const CLASSES: Record<BinanceErrorCategory, typeof BinanceError> = {
  network: BinanceNetworkError,
  timeout: BinanceTimeoutError,
  aborted: BinanceAbortError,
  'rate-limit': BinanceRateLimitError,
  'ip-ban': BinanceIpBanError,
  waf: BinanceWafError,
  'restricted-location': BinanceRestrictedLocationError,
  'server-busy': BinanceServerBusyError,
  'unknown-outcome': BinanceUnknownOutcomeError,
  server: BinanceServerError,
  auth: BinanceAuthError,
  signature: BinanceSignatureError,
  timestamp: BinanceTimestampError,
  request: BinanceRequestError,
  filter: BinanceFilterError,
  'order-rejected': BinanceOrderRejectedError,
  'not-found': BinanceOrderNotFoundError,
  partial: BinanceCancelReplaceError,
  'circuit-open': BinanceCircuitOpenError,
  throttled: BinanceThrottleError,
  unknown: BinanceError,
};

/** The error class that stands for a category. */
export function errorClassFor(category: BinanceErrorCategory): typeof BinanceError {
  return CLASSES[category];
}
