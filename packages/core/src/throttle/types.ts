import type { RateLimit, RateLimitInterval, RateLimitType } from '../errors/types.ts';
import type { ApiProfile } from '../profiles/ApiProfile.ts';
import type { EndpointLimit } from '../weights/types.ts';
import type { RateStore } from './RateStore.ts';

/** A limit in exchangeInfo's shape, optionally with its real window length (tests, benchmarks, the fake exchange). */
export interface ThrottleLimit extends RateLimit {
  /** Real window length in ms, overriding `intervalNum × interval × intervalScale`. */
  intervalMs?: number | undefined;
}

/** The timer functions the limiter uses; inject fakes in tests. */
export interface ThrottleTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of {@link WeightLimiter}. Every field is optional; bad values throw a TypeError/RangeError naming them. */
export interface WeightLimiterOptions {
  /**
   * The API whose limits this limiter keeps: its budgets (Spot: `/api/` and `/sapi/`, counted apart), their
   * default limits and the headers that report their use. One limiter serves one API; give each its own.
   * @default the `spot` profile
   */
  profile?: ApiProfile | undefined;
  /**
   * Limits of the profile's main budget, in exchangeInfo's shape; `learn()` replaces them.
   * @default the main budget's limits (Spot: {@link DEFAULT_RATE_LIMITS}; USDⓈ-M Futures: `USDM_DEFAULT_LIMITS`)
   */
  limits?: readonly ThrottleLimit[] | undefined;
  /**
   * Limits of the profile's other budgets by budget name, e.g. `{ sapi: [{ rateLimitType: 'REQUEST_WEIGHT',
   * interval: 'MINUTE', intervalNum: 1, limit: 12000 }] }`. A budget without limits is charged nothing here; its
   * requests are still never charged to the main budget.
   * @default each budget's own `limits` in the profile (Spot's `sapi`: none)
   */
  budgetLimits?: Readonly<Record<string, readonly ThrottleLimit[]>> | undefined;
  /** Longest a request may wait for budget, in ms; a longer wait fails at once with `BinanceThrottleError`. @default 30_000 */
  maxWaitMs?: number | undefined;
  /**
   * Fraction of each limit the limiter lets this process use, in (0, 1]. The rest absorbs what the limiter cannot
   * see in time: other processes on the same IP between two of our responses, and endpoint weights that changed
   * upstream before the table did. 2% of 6000 is 120 weight — several heavy calls. @default 0.98
   */
  safety?: number | undefined;
  /** Where the counters live. @default a new {@link MemoryRateStore} */
  store?: RateStore | undefined;
  /**
   * The server's clock, in ms since the epoch. Windows are aligned to it, as Binance aligns them; the guard passes
   * its ServerClock's estimate, and tells `WeightLimiter.clockStepped` when it moves at once. @default Date.now
   */
  serverNow?: (() => number) | undefined;
  /** @default the global setTimeout/clearTimeout */
  timers?: ThrottleTimers | undefined;
  /** Multiplies every window length, so tests can run "1 MINUTE" as 2 s (`1 / 30`). @default 1 */
  intervalScale?: number | undefined;
  /**
   * How long after release (by `serverNow`) a request may still be counted by the server, in ms: network latency
   * plus the clock estimate's error. A request released this close to a window's end is charged to both windows.
   *
   * Unset, it is derived from the measured round trips (release to response of every settled request, and those
   * given to `observeLatency`): `1.5 × p99 + 1` ms of the last 256, between 50 ms and 5,000 ms. It widens at once
   * when a round trip needs more (a machine under load answers late) and narrows as the percentile is recomputed
   * every 32 round trips; until 16 are known it is 500 ms (more on a link slower than that). Set a number to fix it.
   * @default derived from the measured latency (500 until 16 round trips are known)
   */
  edgeGuardMs?: number | undefined;
  /** Monotonic clock in ms (any origin), for the round trips the edge guard is derived from. @default performance.now */
  monoNow?: (() => number) | undefined;
  /**
   * How far `serverNow()` may run ahead of the real server clock, in ms (ServerClock's error bound, half the
   * best sample's round trip). A request released this soon after a window starts is charged to the previous
   * window too, and nothing is released until this long after a pause or ban ends. @default 100
   */
  earlyGuardMs?: number | undefined;
}

/** One request's claim on the rate limits. */
export interface AcquireRequest {
  /** REQUEST_WEIGHT to reserve (from `weightOf`). */
  weight: number;
  /** Orders to reserve against the ORDERS limits. @default 0 */
  orders?: number | undefined;
  /**
   * Orders per ORDERS limit, keyed by interval as in the order-count header names (`{ '10S': 5, '1M': 1 }` for a
   * futures batch; `weightOf().ordersByInterval`). A limit it does not name is charged `orders`.
   */
  ordersByInterval?: Readonly<Record<string, number>> | undefined;
  /**
   * The request's path (`weightOf().path`), which picks the profile's budget it is charged to: a Spot `/sapi/`
   * path goes to the SAPI budget, never to the `/api/` one. @default the main budget
   */
  path?: string | undefined;
  /**
   * A limit of the endpoint's own (`weightOf().ownLimit`, e.g. 1,000 requests per 5 minutes for each
   * `/futures/data/` endpoint): one request is charged to it besides the budget's limits. Endpoints naming the
   * same `group` share the count.
   */
  ownLimit?: EndpointLimit | undefined;
  /**
   * `'cancel'` goes ahead of queued normal requests, so exposure can always be reduced first. The guard's clock
   * samples go there too: every signed call waits for the clock's sync, a cancel as well. @default 'normal'
   */
  priority?: 'normal' | 'cancel' | undefined;
  /** Aborting it while the request waits rejects with `BinanceAbortError`; nothing is reserved. */
  signal?: AbortSignal | undefined;
  /** Overrides the limiter's `maxWaitMs` for this request, in ms. */
  maxWaitMs?: number | undefined;
  /** Names the request in errors and events, e.g. `'GET /api/v3/depth'`. Secrets are redacted from it. */
  label?: string | undefined;
  /** Weight a successful call costs (`weightOf().weightOnSuccess`); `settle` refunds the difference on success. */
  weightOnSuccess?: number | undefined;
}

/** Budget granted to one request. Hand it back to {@link WeightLimiter.settle} (or `release`) exactly once. */
export interface Permit {
  readonly weight: number;
  readonly orders: number;
  readonly label: string | undefined;
  /** Server time (ms) at which the permit was granted: the request's release time. */
  readonly grantedAt: number;
  /** How long the request waited for budget, in ms. */
  readonly waitedMs: number;
  readonly weightOnSuccess: number | undefined;
}

/** What a response said, for {@link WeightLimiter.settle}. */
export interface SettleOutcome {
  /** HTTP status. 2xx means success unless `success` says otherwise. */
  status?: number | undefined;
  /** Response headers in any shape (`Headers`, a plain record, an object with `get`). */
  headers?: unknown;
  /** Whether the call succeeded; overrides the status. */
  success?: boolean | undefined;
  /** Refund the whole pre-charged weight on success (endpoints whose successful calls are free). */
  refundOnSuccess?: boolean | undefined;
}

/** Where a limit belongs, when not to the profile's main budget. */
export interface ThrottleLimitScope {
  /** The budget a limit of another budget belongs to, e.g. `'sapi'`. Absent for the main budget. */
  budget?: string;
  /** The endpoint group an endpoint's own limit counts (`EndpointLimit.group`). Absent for budget limits. */
  group?: string;
}

/** The limit a request waits for or was refused by, with its usage. Numbers only. */
export interface ThrottleLimitUsage extends RateLimit, ThrottleLimitScope {
  /** What this process may use: `floor(limit × safety)`. */
  capacity: number;
  used: number;
}

/** Emitted when a request has to wait for budget. */
export interface ThrottleWaitEvent {
  label: string | undefined;
  weight: number;
  orders: number;
  /** Expected wait, ms. */
  waitMs: number;
  reason: 'limit' | 'pause';
  limit: ThrottleLimitUsage | undefined;
  queued: number;
}

/** Emitted on a 429 pause (`source: 'server'`) and when a request is refused locally (`source: 'local'`). */
export interface ThrottleRateLimitEvent {
  source: 'server' | 'local';
  label: string | undefined;
  retryAfterMs: number;
  /** Server ms until which nothing is sent (429 pauses). */
  pausedUntil: number | undefined;
  limit: ThrottleLimitUsage | undefined;
}

/** Emitted on a 418 ban. */
export interface ThrottleBanEvent {
  /** Server ms. */
  bannedUntil: number;
  retryAfterMs: number;
}

/** Serialisable state of a {@link WeightLimiter}. */
export interface ThrottleSnapshot {
  /** Every limit: the main budget's, then the other budgets' (with `budget`), then endpoints' own (with `group`). */
  limits: Array<
    ThrottleLimitScope & {
      rateLimitType: RateLimitType;
      interval: RateLimitInterval;
      intervalNum: number;
      limit: number;
      capacity: number;
      /** Used in the current window, including in-flight reservations and others' usage from headers. */
      used: number;
      /** Server ms. */
      windowStart: number;
      windowEnd: number;
    }
  >;
  pausedUntil?: number;
  bannedUntil?: number;
  /** Requests waiting for budget. */
  queued: number;
  /** The edge guard in use, ms: the `edgeGuardMs` option, or the value derived from the measured latency. */
  edgeGuardMs: number;
}
