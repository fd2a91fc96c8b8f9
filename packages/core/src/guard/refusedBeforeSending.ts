import type { BinanceError } from '../errors/BinanceError.ts';
import { errorClassFor } from '../errors/errorClassFor.ts';
import { isBinanceError } from '../errors/isBinanceError.ts';
import { redactUrl } from '../errors/redact.ts';
import type { BinanceErrorResponse, RateLimit } from '../errors/types.ts';

/** The caller's request that the guard refused to send. */
export interface RefusedRequest {
  method: string;
  /** The caller's URL (secrets are redacted before it is stored). */
  url: string;
  /** `'POST /api/v3/order'`: how messages name the request. */
  label: string;
}

/** Categories of the errors the guard raises instead of sending: a known ban, a 429 pause, a long throttle wait, an open breaker. */
const REFUSALS = new Set(['ip-ban', 'rate-limit', 'throttled', 'circuit-open']);

/**
 * Turns an error raised before the caller's request left the process — by the limiter (ban, 429 pause, a wait over
 * `maxWaitMs`) or the breaker, possibly while it served the clock's own `/api/v3/time` request — into the caller's
 * refusal: same class, `executed: 'no'`, `sent: false`, `request` and message naming the caller's method and path,
 * and a `response` that is what Binance answers in that state (418 -1003 "IP banned until", 429 -1003/-1015, 503
 * -1008, with `Retry-After`). Client ecosystems built on the response (the official connector's error classes, the
 * `binance` package's error objects, axios-retry's conditions) then treat it as the exchange's own answer, at once.
 * Any other error is returned as it is.
 */
export function refusedBeforeSending(error: unknown, request: RefusedRequest, secrets: readonly string[]): unknown {
  if (!isBinanceError(error) || !REFUSALS.has(error.category) || error.sent === false) return error;
  const response = answerFor(error);
  const ErrorClass = errorClassFor(error.category);
  return new ErrorClass({
    message: messageFor(error, request.label),
    code: response.data.code,
    msg: response.data.msg,
    status: response.status,
    retryable: error.retryable,
    executed: 'no',
    sent: false,
    retryAfterMs: error.retryAfterMs,
    bannedUntil: error.bannedUntil,
    rateLimit: error.rateLimit,
    hint: error.hint,
    docsUrl: error.docsUrl,
    request: { method: request.method, url: redactUrl(request.url, secrets) },
    response,
    secrets,
  });
}

/**
 * The caller's refusal when the clock's sync, which its signed request waited for, failed: the sync's error (a 5xx,
 * a reset connection, a timeout of the server time request) told as the caller's request not sent — same class and
 * category, `executed: 'no'`, `sent: false`, the sync's error as its `cause`. The next signed request syncs again.
 * A refusal (a ban, a 429 pause or an open breaker the clock's request met) and an error that is not a
 * `BinanceError` (a rate store's) are returned as they are: {@link refusedBeforeSending} comes next for both.
 */
export function syncFailed(error: unknown, request: RefusedRequest, secrets: readonly string[]): unknown {
  if (!isBinanceError(error) || REFUSALS.has(error.category)) return error;
  // The client refused the clock's request (built with the call's own options): it would refuse this call too.
  const refused = error.category === 'request' && error.status === undefined;
  const ErrorClass = errorClassFor(error.category);
  return new ErrorClass({
    message: `Binance ${request.label} was not sent: the clock could not sync with the server (${error.message})`,
    code: error.code,
    msg: error.msg,
    status: error.status,
    retryable: !refused,
    executed: 'no',
    sent: false,
    retryAfterMs: error.retryAfterMs,
    hint: refused
      ? error.hint
      : 'Nothing was sent. The clock syncs again on the next signed request: send it again once the server answers.',
    request: { method: request.method, url: redactUrl(request.url, secrets) },
    response: error.response,
    cause: error,
    secrets,
  });
}

/** What Binance answers to a request sent in the state `error` describes. */
function answerFor(error: BinanceError): BinanceErrorResponse & { data: { code: number; msg: string } } {
  const retryAfterMs = error.retryAfterMs ?? 0;
  const headers: Record<string, string> = {
    'content-type': 'application/json;charset=UTF-8',
    // Binance sends whole seconds; rounding up never invites a request before the end.
    'retry-after': String(Math.ceil(retryAfterMs / 1000)),
  };
  if (error.category === 'ip-ban') {
    const until = error.bannedUntil?.getTime() ?? Date.now() + retryAfterMs;
    return {
      status: 418,
      headers,
      data: {
        code: -1003,
        msg: `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`,
      },
    };
  }
  if (error.category === 'circuit-open') {
    return {
      status: 503,
      headers,
      data: {
        code: -1008,
        msg: 'Server is currently overloaded with other requests. Please try again in a few minutes.',
      },
    };
  }
  return { status: 429, headers, data: rateLimitBody(error.rateLimit) };
}

function rateLimitBody(limit: RateLimit | undefined): { code: number; msg: string } {
  if (limit?.rateLimitType === 'ORDERS') {
    return {
      code: -1015,
      msg: `Too many new orders; current limit is ${limit.limit} orders per ${limit.intervalNum} ${limit.interval}.`,
    };
  }
  const current = limit
    ? `current limit is ${limit.limit} request weight per ${limit.intervalNum} ${limit.interval}`
    : 'sending is paused after a 429';
  return {
    code: -1003,
    msg: `Too much request weight used; ${current}. Please use WebSocket Streams for live updates to avoid polling the API.`,
  };
}

/** The refusal's sentence, naming the caller's request (the limiter may have refused the clock's request). */
function messageFor(error: BinanceError, label: string): string {
  const wait = error.retryAfterMs === undefined ? '' : ` [retry after ${error.retryAfterMs} ms]`;
  switch (error.category) {
    case 'ip-ban':
      return `The IP is banned (418) until ${error.bannedUntil?.toISOString() ?? 'further notice'}; ${label} was not sent${wait}.`;
    case 'circuit-open': {
      // The breaker's state as it said it ("half-open after -1008 overloads, its probe not answered yet").
      const state = /^Binance circuit breaker is ([^;]*);/.exec(error.message)?.[1] ?? 'open after -1008 overloads';
      return `Binance circuit breaker is ${state}; ${label} was not sent${wait}.`;
    }
    default: {
      // The limiter's reason (which limit, how full, how long) follows its "Throttled <label>: ".
      const why = /^Throttled [^:]*: (.*)$/s.exec(error.message)?.[1] ?? error.message;
      return `Throttled ${label}: ${why}`;
    }
  }
}
