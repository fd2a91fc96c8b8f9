// What each category means and what the plugin does about it, in our words, for the generated error pages.
// The numbers quoted here are the defaults in @binance-errors/core (BinanceGuard, WeightLimiter, OpossumBreaker).
import type { ApiProduct, BinanceErrorCategory } from '@binance-errors/core';

export interface CategoryDoc {
  /** One sentence: what happened. */
  summary: string;
  /** Where errors of this category come from. */
  source: string;
  /** What the plugin already did before the error reached your code, one bullet each. */
  automatic: string[];
  /** The advice above the snippet. */
  handle: string;
}

const NOTHING_SENT_AGAIN =
  'Nothing is sent again: the same request would fail the same way. The breaker does not count it, because an answer proves the exchange is working.';

const READ_RETRY =
  'A read (GET) is retried up to 2 times with backoff (200 ms, then up to 2 s). Anything that may have placed, changed or cancelled an order is never sent again.';

export const CATEGORIES: Record<BinanceErrorCategory, CategoryDoc> = {
  network: {
    summary: 'The connection failed: reset, refused, DNS. The request may or may not have reached Binance.',
    source: 'ECONNRESET, ECONNREFUSED, ENOTFOUND and other socket errors from the client',
    automatic: [
      READ_RETRY,
      'With `reconcile: true`, a signed order placement that ends here is looked up by its client order id, and the call resolves with the order if it exists.',
    ],
    handle:
      'For an order, `executed` is `unknown` when the request may have been sent: look the order up by the client order id you sent before placing it again.',
  },
  timeout: {
    summary: 'Your client stopped waiting. The exchange may still have executed the request.',
    source: "the client's own timeout (axios `timeout`, ky `timeout`, got `timeout.request`)",
    automatic: [
      READ_RETRY,
      'With `reconcile: true`, a signed order placement that timed out is looked up by its client order id.',
    ],
    handle: 'Treat a timed-out order as maybe placed. Look it up before you send it again.',
  },
  aborted: {
    summary: 'Your own AbortSignal cancelled the request.',
    source: 'the `signal` you passed to the client',
    automatic: ['Nothing is retried. A wait for rate-limit budget also ends at once when the signal aborts.'],
    handle: 'Usually nothing to do. If the request had already been sent, `executed` is `unknown`.',
  },
  'rate-limit': {
    summary: 'Binance refused the request for request weight or order count (429): it was not executed.',
    source: 'HTTP 429 with -1003 (weight) or -1015 (orders)',
    automatic: [
      "The throttle counts request weight and orders per window on the server's clock, so a 429 should be rare: requests wait for budget instead.",
      'On a 429 every request on the same guard pauses until `Retry-After`, so the IP does not collect more 429s (which lead to a 418 ban).',
      'The request is then sent again, at most 3 times, when `Retry-After` fits within `maxWaitMs` (default 30 s). A 429 never executed, so this is safe even for orders.',
    ],
    handle:
      'You see this only when the wait was longer than `maxWaitMs` or the retries ran out. Wait `retryAfterMs`, and look at what else shares this IP.',
  },
  'ip-ban': {
    summary: 'The IP is banned (418) for ignoring 429s. Nothing is executed until the ban ends.',
    source: 'HTTP 418 with -1003 "Way too much request weight used; IP banned until …"',
    automatic: [
      'The guard records the ban end (from the message, to the millisecond, or from `Retry-After`).',
      'Until then every request on the guard fails fast locally with this error and is not sent: requests during a ban only lengthen the trouble.',
    ],
    handle:
      'Stop sending from this IP until `bannedUntil`, and find out what ignored the 429s (another process on the same IP?).',
  },
  waf: {
    summary: "Binance's web application firewall blocked the request (403). It did not reach the API.",
    source: 'HTTP 403, usually an HTML page from the CDN',
    automatic: ['Nothing is retried: the same request would be blocked again.'],
    handle:
      'Look for SQL-like words or odd characters in the parameters, and for request bursts. Do not repeat the request unchanged.',
  },
  'server-busy': {
    summary:
      'Binance is overloaded (-1008). It answers with an HTTP 5xx, for which Binance says the execution status is unknown: an order placement may still have executed.',
    source: '-1008 SERVER_BUSY, with HTTP 503',
    automatic: [
      'The circuit breaker counts it. When at least 5 attempts in 10 s were made and half of them were -1008, or 5 came in a row, the breaker opens.',
      'While open, requests fail fast with `BinanceCircuitOpenError` without being sent, except cancels, so you can always reduce exposure. After 30 s one probe goes through; an answer closes the breaker.',
      'The request itself is not repeated automatically: repeating it is what keeps an overload going. With `reconcile: true`, a signed order placement is looked up by its client order id, as for any unknown outcome.',
    ],
    handle:
      "Back off and try later; if you must act now, cancels still pass. For an order (`executed: 'unknown'`), look it up by client order id before sending it again.",
  },
  'restricted-location': {
    summary:
      "The service refuses requests from this location: the IP is in a country or region where Binance's terms of use do not allow the service. Nothing reached the exchange.",
    source:
      'HTTP 451 with `{"code":0,"msg":"Service unavailable from a restricted location…"}`, or a CDN country block (CloudFront\'s 403 page "configured to block access from your country")',
    automatic: [
      'Nothing is retried, and nothing counts against the breaker: the same request from the same place is refused again.',
    ],
    handle:
      'Retrying, slowing down or a larger recvWindow cannot help. Run from a location, and with an account, that the service allows; treat it as a configuration error and stop.',
  },
  'unknown-outcome': {
    summary: 'Binance does not know whether the request executed: the matching engine did not answer in time.',
    source: '-1006, -1007, and 5xx responses without a Binance code',
    automatic: [
      READ_RETRY,
      "With `reconcile: true`, a signed order placement is looked up by its client order id (the plugin adds a `newClientOrderId` when you send none). Found: the call resolves with the order. Not found: you get this error with `executed: 'no'`.",
    ],
    handle: 'Never place the same order again blindly. Query it by client order id, or enable `reconcile`.',
  },
  server: {
    summary: 'An internal error on Binance. The outcome of a write is unknown.',
    source: '-1000, -1001, -1016',
    automatic: [READ_RETRY],
    handle: 'Reads were already retried. For an order, query it before sending it again.',
  },
  auth: {
    summary: 'The API key was refused, or may not do this.',
    source: 'HTTP 401, -1002, -2014, -2015',
    automatic: [NOTHING_SENT_AGAIN],
    handle:
      'Check the key, its permissions (spot trading), its IP whitelist, and that it is the key for this host (testnet keys do not work on the live API).',
  },
  signature: {
    summary: 'The signature did not verify (-1022).',
    source: '-1022 INVALID_SIGNATURE',
    automatic: [
      'The plugin signs the exact bytes it sends: the percent-encoded query string followed by the body. A request that arrives already signed is re-signed from its unsigned parameters.',
      NOTHING_SENT_AGAIN,
    ],
    handle: 'Check that the secret belongs to the key, and that no proxy rewrites the query or body after signing.',
  },
  timestamp: {
    summary: "The request's timestamp was outside recvWindow on the server's clock (-1021).",
    source: '-1021 INVALID_TIMESTAMP',
    automatic: [
      "Signed requests are stamped on the server's clock: the guard measures the offset from `GET /api/v3/time` round trips before the first signed request and every 10 minutes.",
      'On a -1021 it resyncs (once for all waiting requests), stamps and signs the request afresh and sends it again, exactly once. A -1021 was never executed, so this is safe for orders.',
      'You see this error only when the second attempt fails too.',
    ],
    handle:
      'A -1021 that survives a resync means the host clock jumps or the latency is close to `recvWindow`. Fix NTP, or raise `recvWindow` (at most 60000).',
  },
  request: {
    summary: 'The request is malformed: a parameter is missing, unknown, repeated or out of range.',
    source: '-11xx codes, -1100 to -1199, and other parameter errors',
    automatic: [NOTHING_SENT_AGAIN],
    handle:
      '`msg` usually names the parameter (-1102, -1111); some codes only say what is wrong (-1121 `Invalid symbol.`). Fix the request in your code; sending it again fails the same way.',
  },
  filter: {
    summary: "The order broke one of the symbol's filters (-1013 `Filter failure: X`).",
    source: '-1013 with a `Filter failure: <FILTER>` message',
    automatic: [NOTHING_SENT_AGAIN],
    handle:
      "`filter` names the rule. Read the symbol's filters from `GET /api/v3/exchangeInfo` and round price and quantity to them.",
  },
  'order-rejected': {
    summary: 'The matching engine rejected the order or cancel; `reason` says why.',
    source: '-1010, -2010, -2011, -2038 and their reasons',
    automatic: [NOTHING_SENT_AGAIN],
    handle:
      'Switch on `reason` (for example `INSUFFICIENT_BALANCE`, `MARKET_CLOSED`) and change the order; the same order is rejected again.',
  },
  'not-found': {
    summary: 'The order does not exist, or is no longer open.',
    source: '-2013, -2026, and "Unknown order sent." with -2011',
    automatic: [NOTHING_SENT_AGAIN],
    handle:
      'For a cancel this usually means the order already filled, expired or was cancelled: nothing is left to do.',
  },
  partial: {
    summary: 'A cancel-replace did not fully succeed: one half (-2021) or both halves (-2022) failed.',
    source: 'HTTP 409 with -2021, HTTP 400 with -2022',
    automatic: [
      'Nothing is retried. A 409 partial success is an answer, so the breaker does not count it.',
      "`data` keeps Binance's `cancelResult`, `newOrderResult` and both responses.",
    ],
    handle:
      "Read `data.cancelResult` and `data.newOrderResult` to see which half went through before doing anything else. `executed` is `'partial'` for -2021.",
  },
  'circuit-open': {
    summary: 'The circuit breaker is open after -1008 overloads; the request was not sent.',
    source: 'the plugin itself: nothing reached Binance',
    automatic: [
      'Produced locally while the breaker is open. Cancels are let through so you can reduce exposure.',
      'After `resetTimeoutMs` (default 30 s) one probe goes through; an answer closes the breaker.',
    ],
    handle: 'Nothing was sent. Retry after `retryAfterMs`.',
  },
  throttled: {
    summary: 'Waiting for rate-limit budget would take longer than `maxWaitMs`; the request was not sent.',
    source: 'the plugin itself: nothing reached Binance',
    automatic: [
      'Requests normally wait for budget. When the wait would exceed `maxWaitMs` (default 30 s, or the per-request `binance.maxWaitMs`), the request fails fast with this error instead of hanging.',
    ],
    handle:
      'Nothing was sent. Retry after `retryAfterMs`, raise `maxWaitMs`, or spend less weight (WebSocket streams for market data).',
  },
  unknown: {
    summary: 'A failure the classifier did not recognise.',
    source: 'an unknown code, or a response it could not read',
    automatic: ['Nothing is retried.'],
    handle:
      '`executed` is `unknown`: query the order before sending it again. `toJSON()` has everything known, with secrets removed.',
  },
};

/**
 * Where a product's codes or handling differ from Spot's, the parts of a category's text that say so. Everything
 * not listed here reads the same on every product.
 */
const PRODUCT_CATEGORIES: Partial<Record<ApiProduct, Partial<Record<BinanceErrorCategory, Partial<CategoryDoc>>>>> = {
  usdm: {
    'rate-limit': {
      source: 'HTTP 429 with -1003 (weight: 2,400 a minute by default) or -1015 (orders: per 10 s and per minute)',
    },
    'server-busy': {
      summary:
        'A futures node shed load (-1008, HTTP 503 "Request throttled by system-level protection"). Binance documents this as a definite failure: the request did not execute.',
      source: '-1008 with HTTP 503',
      automatic: [
        'The circuit breaker counts it. When at least 5 attempts in 10 s were made and half of them were -1008, or 5 came in a row, the breaker opens.',
        'While open, requests fail fast with `BinanceCircuitOpenError` without being sent, except cancels and the orders Binance exempts (`closePosition=true`, `reduceOnly=true` in one-way mode, and in hedge mode a SELL of a LONG or a BUY of a SHORT), so you can always reduce exposure.',
        'The request is not repeated automatically: repeating it is what keeps an overload going.',
      ],
      handle:
        "`executed` is `'no'`: the order did not reach the matching engine. Back off and lower concurrency; reduce-only and close-position orders still pass.",
    },
    timestamp: {
      summary: "The request's timestamp was outside recvWindow (-1021), or outside the matching engine's (-5028).",
      source: '-1021 INVALID_TIMESTAMP, -5028',
      automatic: [
        "Signed requests are stamped on the server's clock, measured from `GET /fapi/v1/time` round trips before the first signed request and every 10 minutes.",
        'On a -1021 or -5028 it resyncs (once for all waiting requests), stamps and signs the request afresh and sends it again, exactly once. Neither was executed, so this is safe for orders.',
        'You see this error only when the second attempt fails too.',
      ],
    },
    filter: {
      summary: "The order broke one of the symbol's filters. Futures reports each filter by its own code.",
      source:
        '-4xxx codes such as -4004 (LOT_SIZE), -4014 (PRICE_FILTER) and -4164 (MIN_NOTIONAL); the message does not name the filter',
      handle:
        "`filter` names the rule (set from the code). Read the symbol's filters from `GET /fapi/v1/exchangeInfo` and round price and quantity to them.",
    },
    'order-rejected': {
      summary: 'The futures order was rejected: margin, position mode, reduce-only, leverage or price protection.',
      source: '-2019 (margin insufficient), -2021, -2022, -4xxx and -5xxx order codes',
      handle:
        'Read `code` and `hint`: most of these need a change to the order or the account (margin, leverage, position mode) before sending again.',
    },
    auth: {
      handle:
        'Check the key, that futures trading is enabled on it, its IP whitelist, and that it is the key for this host (testnet keys do not work on the live API).',
    },
    partial: {
      summary:
        'A cancel-replace did not fully succeed. USDⓈ-M Futures has no cancel-replace: no futures code maps here.',
      source: 'Spot only (-2021 and -2022 mean other things on futures)',
    },
    'unknown-outcome': {
      source:
        'HTTP 503 "Unknown error, please check your request or try again later.", -1006, -1007, and other 5xx responses',
    },
  },
};

/** The text of a category's page for one product: Spot's, with the product's own parts where it has any. */
export function categoryDoc(product: ApiProduct, category: BinanceErrorCategory): CategoryDoc {
  return { ...CATEGORIES[category], ...PRODUCT_CATEGORIES[product]?.[category] };
}
