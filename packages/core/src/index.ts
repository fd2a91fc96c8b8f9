export type { Breaker, BreakerState } from './breaker/Breaker.ts';
export { OpossumBreaker, type OpossumBreakerOptions } from './breaker/OpossumBreaker.ts';
export {
  catalog,
  catalogSource,
  filters,
  lookupCode,
  lookupFilter,
  lookupMessage,
  lookupReason,
  reasons,
  spotCatalog,
} from './catalog/catalog.ts';
export { type CatalogData, ErrorCatalog } from './catalog/ErrorCatalog.ts';
export { isIdempotentMethod } from './catalog/policy.ts';
export type {
  CatalogEntry,
  CatalogSource,
  FilterEntry,
  ReasonEntry,
  Retryability,
  StatusMessageEntry,
} from './catalog/types.ts';
export { type ClassifyInput, classify } from './classify/classify.ts';
export { parseRetryAfter } from './classify/retryAfter.ts';
export { refusedByClient } from './classify/transport.ts';
export {
  type ClockSample,
  type ClockSnapshot,
  type ClockTimers,
  ServerClock,
  type ServerClockOptions,
} from './clock/ServerClock.ts';
export { Listeners } from './common/Listeners.ts';
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
  BinanceRestrictedLocationError,
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
export {
  REDACTED,
  redactDeep,
  redactHeaders,
  redactText,
  redactUrl,
  type SanitizedCause,
  sanitizeCause,
} from './errors/redact.ts';
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
export { BinanceGuard } from './guard/BinanceGuard.ts';
export { type CredentialOptions, Credentials } from './guard/Credentials.ts';
export type { BinanceGuardOptions, GuardSnapshot, RetryEvent, UnknownEndpointEvent } from './guard/options.ts';
export type { Attempt, CallOptions, GuardRequest, GuardTransport, ResponseView } from './guard/transport.ts';
export { readFetchResponse } from './guard/transport.ts';
export { bodyCutOff } from './plugin/bodyCutOff.ts';
export {
  type BinanceErrorsOptions,
  type BinancePlugin,
  type BinanceRequestOptions,
  createPlugin,
} from './plugin/createPlugin.ts';
export { formBody, formContentType } from './plugin/formBody.ts';
export { BINANCE_ORIGINS, BINANCE_SPOT_ORIGINS } from './plugin/OriginScope.ts';
export {
  type ApiOrigins,
  type ApiProduct,
  type ApiProfile,
  type ApiProfileSpec,
  defineProfile,
  type SpecialEndpoints,
  type WeightBudget,
} from './profiles/ApiProfile.ts';
// Every profile file's exports, and each product folder's `<product>Catalog` and `<product>EndpointTable`.
export * from './profiles/exports.generated.ts';
export { profileForOrigin, profiles } from './profiles/profileForOrigin.ts';
export { createSigner, type SignatureAlgorithm, type Signer } from './sign/createSigner.ts';
export { encodeComponent, encodeParams, type ParamsInput } from './sign/encodeParams.ts';
export { type SignedRequest, type SignRequestInput, signRequest, stripSignature } from './sign/signRequest.ts';
export { DEFAULT_RATE_LIMITS } from './throttle/defaultLimits.ts';
export { MemoryRateStore } from './throttle/MemoryRateStore.ts';
export type {
  RateStore,
  RateStoreState,
  ReserveFailure,
  ReserveResult,
  SettledCharge,
  WindowCharge,
  WindowState,
} from './throttle/RateStore.ts';
export type {
  AcquireRequest,
  Permit,
  SettleOutcome,
  ThrottleBanEvent,
  ThrottleLimit,
  ThrottleLimitScope,
  ThrottleLimitUsage,
  ThrottleRateLimitEvent,
  ThrottleSnapshot,
  ThrottleTimers,
  ThrottleWaitEvent,
  WeightLimiterOptions,
} from './throttle/types.ts';
export { WeightLimiter } from './throttle/WeightLimiter.ts';
export { headerName, INTERVAL_MS, intervalMs, intervalSuffix, limitKey, windowStart } from './throttle/windows.ts';
export { MAX_BAN_MS, MAX_SERVER_WAIT_MS, MAX_TIMER_MS } from './time/limits.ts';
export { steadyNow } from './time/steadyNow.ts';
export { createEndpointTable, type EndpointOverrides, endpointKey, endpointTable } from './weights/endpointTable.ts';
export { normalizePath } from './weights/normalizePath.ts';
export type { RequestParams } from './weights/ParamReader.ts';
export type {
  CasesRule,
  EndpointLimit,
  EndpointSpec,
  EndpointTable,
  ParamRule,
  ParamWeight,
  PerItemRule,
  RangesRule,
  SymbolsRule,
  WeightRange,
  WeightRule,
} from './weights/types.ts';
export {
  DEFAULT_UNKNOWN_WEIGHT,
  type EndpointWeight,
  type WeightOfOptions,
  weightOf,
} from './weights/weightOf.ts';
