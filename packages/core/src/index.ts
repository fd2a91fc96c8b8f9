export { catalog, filters, lookupCode, lookupFilter, lookupMessage, lookupReason, reasons } from './catalog/catalog.ts';
export { isIdempotentMethod } from './catalog/policy.ts';
export type { CatalogEntry, FilterEntry, ReasonEntry, Retryability } from './catalog/types.ts';
export { type ClassifyInput, classify } from './classify/classify.ts';
export { parseRetryAfter } from './classify/retryAfter.ts';
export {
  BinanceError,
  type BinanceErrorJSON,
  type BinanceErrorOptions,
  DEFAULT_DOCS_BASE_URL,
  type ErrorDefaults,
} from './errors/BinanceError.ts';
export {
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
  BinanceServerBusyError,
  BinanceServerError,
  BinanceSignatureError,
  BinanceThrottleError,
  BinanceTimeoutError,
  BinanceTimestampError,
  BinanceUnknownOutcomeError,
  BinanceWafError,
} from './errors/classes.ts';
export { errorClassFor } from './errors/errorClassFor.ts';
export { type AnyBinanceError, type BinanceErrorByCategory, isBinanceError } from './errors/isBinanceError.ts';
export { REDACTED, redactHeaders, redactText, redactUrl, type SanitizedCause, sanitizeCause } from './errors/redact.ts';
export type {
  BinanceErrorCategory,
  BinanceErrorResponse,
  Executed,
  RateLimit,
  RateLimitInterval,
  RateLimitType,
  RateLimitUsage,
  RedactedRequest,
} from './errors/types.ts';
