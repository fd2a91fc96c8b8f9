import { BinanceError, type ErrorDefaults } from './BinanceError.ts';
import type { BinanceErrorCategory } from './types.ts';

// One class per category. `categories` lists the category and those of subclasses, so that `instanceof`
// across package copies and isBinanceError(e, category) agree with the class hierarchy.

/** A transport failure: connection refused or reset, DNS, TLS. */
export class BinanceNetworkError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['network'];
  override name: 'BinanceNetworkError' = 'BinanceNetworkError';
  declare readonly category: 'network';
  static override readonly defaults: ErrorDefaults = {
    category: 'network',
    retryable: false,
    executed: 'unknown',
    hint: 'The connection failed. Reads can be retried; for orders, query the order by its client order id before sending again.',
  };
}

/** The client-side timeout elapsed before a response arrived. */
export class BinanceTimeoutError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['timeout'];
  override name: 'BinanceTimeoutError' = 'BinanceTimeoutError';
  declare readonly category: 'timeout';
  static override readonly defaults: ErrorDefaults = {
    category: 'timeout',
    retryable: false,
    executed: 'unknown',
    hint: 'The client gave up waiting. The request may have executed: query the order before re-sending; retry reads freely.',
  };
}

/** The request was aborted through its AbortSignal, before or while it was sent. */
export class BinanceAbortError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['aborted'];
  override name: 'BinanceAbortError' = 'BinanceAbortError';
  declare readonly category: 'aborted';
  static override readonly defaults: ErrorDefaults = {
    category: 'aborted',
    retryable: false,
    executed: 'unknown',
    hint: 'The caller aborted the request (AbortSignal). Nothing to fix unless the abort was unintended.',
  };
}

/** 429: a request-weight, raw-request or order-count limit was exceeded (-1003, -1015). */
export class BinanceRateLimitError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['rate-limit', 'ip-ban'];
  override name: 'BinanceRateLimitError' | 'BinanceIpBanError' = 'BinanceRateLimitError';
  declare readonly category: 'rate-limit' | 'ip-ban';
  static override readonly defaults: ErrorDefaults = {
    category: 'rate-limit',
    retryable: true,
    executed: 'no',
    hint: 'Too much request weight or too many orders: wait `retryAfterMs` before the next request, or the IP gets banned (418).',
  };
}

/** 418: the IP is banned until `bannedUntil` for continuing after 429s. */
export class BinanceIpBanError extends BinanceRateLimitError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['ip-ban'];
  override name: 'BinanceIpBanError' = 'BinanceIpBanError';
  declare readonly category: 'ip-ban';
  static override readonly defaults: ErrorDefaults = {
    category: 'ip-ban',
    retryable: true,
    executed: 'no',
    hint: 'The IP is banned for ignoring 429s. Send nothing until `bannedUntil`; every request now extends the damage.',
  };
}

/** 403: a WAF or CDN rule blocked the request. */
export class BinanceWafError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['waf'];
  override name: 'BinanceWafError' = 'BinanceWafError';
  declare readonly category: 'waf';
  static override readonly defaults: ErrorDefaults = {
    category: 'waf',
    retryable: false,
    executed: 'no',
    hint: 'A web application firewall blocked the request (403). Check for SQL-like keywords in parameters and slow down; do not retry as is.',
  };
}

/**
 * 451, or a CDN's country block: the service refuses requests from where this one came from (an IP in a
 * restricted country or region). Nothing reached the exchange.
 */
export class BinanceRestrictedLocationError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['restricted-location'];
  override name: 'BinanceRestrictedLocationError' = 'BinanceRestrictedLocationError';
  declare readonly category: 'restricted-location';
  static override readonly defaults: ErrorDefaults = {
    category: 'restricted-location',
    retryable: false,
    executed: 'no',
    hint: "The service is not available from this request's location (an IP in a restricted country or region, per Binance's terms of use). Retrying, or raising limits, cannot help: run from an eligible location and account.",
  };
}

/**
 * -1008: the exchange is overloaded. It comes with an HTTP 5xx, so a write's outcome is unknown (`executed:
 * 'unknown'`); reads may be sent again after the breaker allows it.
 */
export class BinanceServerBusyError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['server-busy'];
  override name: 'BinanceServerBusyError' = 'BinanceServerBusyError';
  declare readonly category: 'server-busy';
  static override readonly defaults: ErrorDefaults = {
    category: 'server-busy',
    retryable: true,
    executed: 'no',
    hint: 'Binance is overloaded (-1008). Back off; the circuit breaker sheds load until a probe succeeds. With an HTTP 5xx an order placement may still have executed: look it up before sending it again.',
  };
}

/** 5xx, -1006 or -1007: the exchange could not say whether the request executed. */
export class BinanceUnknownOutcomeError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['unknown-outcome'];
  override name: 'BinanceUnknownOutcomeError' = 'BinanceUnknownOutcomeError';
  declare readonly category: 'unknown-outcome';
  static override readonly defaults: ErrorDefaults = {
    category: 'unknown-outcome',
    retryable: false,
    executed: 'unknown',
    hint: 'The request may have executed. Query the order (or enable `reconcile`) before sending it again.',
  };
}

/** -1000, -1001, -1016: an internal error on the exchange. */
export class BinanceServerError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['server'];
  override name: 'BinanceServerError' = 'BinanceServerError';
  declare readonly category: 'server';
  static override readonly defaults: ErrorDefaults = {
    category: 'server',
    retryable: false,
    executed: 'unknown',
    hint: 'An internal error on Binance. Retry reads with backoff; query orders before re-sending.',
  };
}

/** 401, -1002, -2014, -2015: the API key is missing, malformed, or not allowed this action or IP. */
export class BinanceAuthError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['auth', 'signature'];
  override name: 'BinanceAuthError' | 'BinanceSignatureError' = 'BinanceAuthError';
  declare readonly category: 'auth' | 'signature';
  static override readonly defaults: ErrorDefaults = {
    category: 'auth',
    retryable: false,
    executed: 'no',
    hint: 'The API key was refused: check the key, its permissions and its IP whitelist.',
  };
}

/** -1022: the request signature did not verify. */
export class BinanceSignatureError extends BinanceAuthError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['signature'];
  override name: 'BinanceSignatureError' = 'BinanceSignatureError';
  declare readonly category: 'signature';
  static override readonly defaults: ErrorDefaults = {
    category: 'signature',
    retryable: false,
    executed: 'no',
    hint: 'The signature did not verify: sign the exact percent-encoded bytes sent (query string then body) with the right secret.',
  };
}

/** -1021: the timestamp was ahead of the server or older than recvWindow. */
export class BinanceTimestampError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['timestamp'];
  override name: 'BinanceTimestampError' = 'BinanceTimestampError';
  declare readonly category: 'timestamp';
  static override readonly defaults: ErrorDefaults = {
    category: 'timestamp',
    retryable: true,
    executed: 'no',
    hint: 'The timestamp fell outside recvWindow even after a clock resync: check the host clock (NTP) and latency.',
  };
}

/** 11xx and other 4xx: a malformed or invalid request. */
export class BinanceRequestError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['request'];
  override name: 'BinanceRequestError' = 'BinanceRequestError';
  declare readonly category: 'request';
  static override readonly defaults: ErrorDefaults = {
    category: 'request',
    retryable: false,
    executed: 'no',
    hint: 'The request is malformed: fix the parameter named in `msg`; sending it again will fail the same way.',
  };
}

/** -1013: the order broke a symbol filter (`filter`, e.g. LOT_SIZE). */
export class BinanceFilterError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['filter'];
  override name: 'BinanceFilterError' = 'BinanceFilterError';
  declare readonly category: 'filter';
  static override readonly defaults: ErrorDefaults = {
    category: 'filter',
    retryable: false,
    executed: 'no',
    hint: 'The order broke a symbol filter (`filter`): round price and quantity to the rules in exchangeInfo.',
  };
}

/** -2010, -1010, -2011, -2038: the matching engine rejected the request (`reason`). */
export class BinanceOrderRejectedError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['order-rejected'];
  override name: 'BinanceOrderRejectedError' = 'BinanceOrderRejectedError';
  declare readonly category: 'order-rejected';
  static override readonly defaults: ErrorDefaults = {
    category: 'order-rejected',
    retryable: false,
    executed: 'no',
    hint: 'The matching engine rejected the order (`reason`). Change the order; resending it unchanged fails again.',
  };
}

/** -2013, -2026, "Unknown order sent.": the order does not exist. */
export class BinanceOrderNotFoundError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['not-found'];
  override name: 'BinanceOrderNotFoundError' = 'BinanceOrderNotFoundError';
  declare readonly category: 'not-found';
  static override readonly defaults: ErrorDefaults = {
    category: 'not-found',
    retryable: false,
    executed: 'no',
    hint: 'The order does not exist (or was archived). Check the symbol and the order id or client order id.',
  };
}

/** 409 -2021 / 400 -2022: a cancel-replace where one or both halves failed. */
export class BinanceCancelReplaceError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['partial'];
  override name: 'BinanceCancelReplaceError' = 'BinanceCancelReplaceError';
  declare readonly category: 'partial';
  static override readonly defaults: ErrorDefaults = {
    category: 'partial',
    retryable: false,
    executed: 'no',
    hint: 'The cancel-replace did not fully succeed: read `data.cancelResult` and `data.newOrderResult` before acting.',
  };
}

/** The circuit breaker is open; nothing was sent. */
export class BinanceCircuitOpenError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['circuit-open'];
  override name: 'BinanceCircuitOpenError' = 'BinanceCircuitOpenError';
  declare readonly category: 'circuit-open';
  static override readonly defaults: ErrorDefaults = {
    category: 'circuit-open',
    retryable: true,
    executed: 'no',
    hint: 'The circuit breaker is open after -1008 overloads; nothing was sent. Retry after `retryAfterMs`.',
  };
}

/** The throttle would have waited longer than `maxWaitMs`; nothing was sent. */
export class BinanceThrottleError extends BinanceError {
  static override readonly categories: readonly BinanceErrorCategory[] = ['throttled'];
  override name: 'BinanceThrottleError' = 'BinanceThrottleError';
  declare readonly category: 'throttled';
  static override readonly defaults: ErrorDefaults = {
    category: 'throttled',
    retryable: true,
    executed: 'no',
    hint: 'Waiting for rate-limit budget would exceed `maxWaitMs`; nothing was sent. Retry after `retryAfterMs` or raise `maxWaitMs`.',
  };
}
