import type { BreakerState } from '../breaker/Breaker.ts';
import type { OpossumBreakerOptions } from '../breaker/OpossumBreaker.ts';
import type { ServerClock } from '../clock/ServerClock.ts';
import type { ApiProduct } from '../profiles/ApiProfile.ts';
import type { RateStore } from '../throttle/RateStore.ts';
import type { ThrottleLimit } from '../throttle/types.ts';
import type { WeightLimiter } from '../throttle/WeightLimiter.ts';
import type { EndpointTable } from '../weights/types.ts';

/** Options of a {@link BinanceGuard}; the same as the adapters' `throttle`, `clock`, `breaker` and `retry`. */
export interface BinanceGuardOptions {
  throttle?:
    | false
    | {
        /** Limits of the API's main budget (Spot `/api/`, futures `/fapi/`). @default the profile's */
        limits?: readonly ThrottleLimit[] | undefined;
        /**
         * Limits of the API's other budgets by name, e.g. Spot's `sapi` (counted apart from `/api/`, and without
         * limits by default: each SAPI endpoint has its own, so `/sapi/` requests are charged and reported but not
         * held back unless given here).
         */
        budgetLimits?: Readonly<Record<string, readonly ThrottleLimit[]>> | undefined;
        /** Longest wait for budget before failing fast with `BinanceThrottleError`, ms. @default 30_000 */
        maxWaitMs?: number | undefined;
        /** Fraction of each limit to use. @default 0.98 */
        safety?: number | undefined;
        /** Weight charged for endpoints the table does not know. @default 1 */
        defaultWeight?: number | undefined;
        store?: RateStore | undefined;
        /** Multiplies window lengths (tests and benchmarks shorten "1 MINUTE"). @default 1 */
        intervalScale?: number | undefined;
        /**
         * How close to a window's end (ms) a released request is charged to the next window too.
         * @default derived from the measured latency (see `WeightLimiterOptions.edgeGuardMs`)
         */
        edgeGuardMs?: number | undefined;
        /**
         * The endpoint table (weights, SIGNED), read once per endpoint: build it (`createEndpointTable`) before the
         * guard rather than changing it afterwards. @default the profile's table (`spot.endpoints`, `usdm.endpoints`)
         */
        endpoints?: EndpointTable | undefined;
      }
    | undefined;
  clock?:
    | false
    | {
        /** How often to resync, ms. @default 600_000 */
        resyncIntervalMs?: number | undefined;
        /** Round trips per sync; the one with the lowest RTT wins. @default 3 */
        samples?: number | undefined;
      }
    | undefined;
  breaker?: false | OpossumBreakerOptions | undefined;
  retry?:
    | {
        /** Retries of idempotent reads after 5xx, -1007 or network errors. @default 2 */
        reads?: number | undefined;
        /** First backoff step, ms. @default 200 */
        baseDelayMs?: number | undefined;
        /** Longest backoff, ms. @default 2000 */
        maxDelayMs?: number | undefined;
      }
    | undefined;
  /** Base URL of the error reference that `docsUrl` points into. */
  docsBaseUrl?: string | undefined;
  /**
   * Which Binance REST API the origin serves: its limits and weights, its time, exchangeInfo and order endpoints,
   * its cancels and the orders that pass an open breaker, its error codes. Needed only for an origin that does not
   * say so itself (a proxy, a relay, the fake exchange): `fapi.binance.com` and the futures testnets are `'usdm'`,
   * every other origin `'spot'`. Naming another product for one of Binance's own hosts throws a `TypeError`.
   * @default the product of the origin (`profileForOrigin`)
   */
  product?: ApiProduct | undefined;
}

/** Emitted before an attempt is sent again. */
export interface RetryEvent {
  method: string;
  path: string;
  attempt: number;
  reason: 'timestamp' | 'rate-limit' | 'read-retry';
  delayMs: number;
}

/** Emitted when a request goes to an endpoint the weight table does not know. */
export interface UnknownEndpointEvent {
  method: string;
  path: string;
  weight: number;
}

/** Everything the guard knows, as plain data (no secrets). */
export interface GuardSnapshot {
  origin: string;
  /** The API the guard talks to, e.g. `'usdm'`. */
  product: ApiProduct;
  throttle: ReturnType<WeightLimiter['snapshot']> | undefined;
  breaker: { state: BreakerState; retryAfterMs: number } | undefined;
  clock: ReturnType<ServerClock['snapshot']> | undefined;
}
