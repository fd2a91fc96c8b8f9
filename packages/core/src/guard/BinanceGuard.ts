import { inspect } from 'node:util';
import type { Breaker, BreakerState } from '../breaker/Breaker.ts';
import { OpossumBreaker, type OpossumBreakerOptions } from '../breaker/OpossumBreaker.ts';
import { isIdempotentMethod } from '../catalog/policy.ts';
import { classify } from '../classify/classify.ts';
import { ServerClock } from '../clock/ServerClock.ts';
import { Listeners } from '../common/Listeners.ts';
import type { BinanceError } from '../errors/BinanceError.ts';
import { BinanceAbortError, BinanceCircuitOpenError, BinanceUnknownOutcomeError } from '../errors/classes.ts';
import { errorClassFor } from '../errors/errorClassFor.ts';
import { isBinanceError } from '../errors/isBinanceError.ts';
import { headerEntries, redactUrl } from '../errors/redact.ts';
import type { RateLimit } from '../errors/types.ts';
import { sharedConflict } from '../options/sharedConflict.ts';
import { validateGuardOptions } from '../options/validateOptions.ts';
import { type ApiProduct, type ApiProfile, endpointParts } from '../profiles/ApiProfile.ts';
import { officialProfile, profileForOrigin, profiles } from '../profiles/profileForOrigin.ts';
import { signRequest } from '../sign/signRequest.ts';
import type { RateStore } from '../throttle/RateStore.ts';
import type {
  Permit,
  ThrottleBanEvent,
  ThrottleLimit,
  ThrottleRateLimitEvent,
  ThrottleWaitEvent,
} from '../throttle/types.ts';
import { WeightLimiter } from '../throttle/WeightLimiter.ts';
import type { EndpointTable } from '../weights/types.ts';
import { type EndpointWeight, weightOf } from '../weights/weightOf.ts';
import { backoffDelay } from './backoff.ts';
import type { Credentials } from './Credentials.ts';
import { type LedgerEntry, OutcomeLedger } from './OutcomeLedger.ts';
import { redirectError } from './redirectError.ts';
import { refusedBeforeSending } from './refusedBeforeSending.ts';

/** One request as the adapter hands it to the guard: the unsigned originals. */
export interface GuardRequest {
  /** HTTP method, any case. */
  method: string;
  /** Absolute URL, with the caller's query parameters (unsigned). */
  url: string | URL;
  /** The body as it will be sent (a form-encoded string for Binance), or `undefined`. */
  body?: string | undefined;
  /**
   * The caller's own headers (any common shape). Only read: an `X-MBX-APIKEY` the caller set itself makes the
   * request one that never follows a redirect, and its value is scrubbed from errors like the plugin's own key.
   */
  headers?: unknown;
}

/** Per-call settings an adapter passes along with each request. */
export interface CallOptions {
  /** Key and signer of the adapter that sends the request. */
  credentials?: Credentials | undefined;
  /** `recvWindow` for signed requests, in ms (up to 60000, decimals allowed). @default 5000 */
  recvWindow?: number | undefined;
  /** Force signing on (`true`) or off (`false`); by default the endpoint table decides. */
  signed?: boolean | undefined;
  /** Query the order by its client order id after an unknown outcome of an order placement. @default false */
  reconcile?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Overrides the throttle's `maxWaitMs` for this call, in ms. */
  maxWaitMs?: number | undefined;
}

/** One HTTP attempt, ready to send exactly as it is. */
export interface Attempt {
  method: string;
  /** The URL to send, byte for byte (the signature covers its query string). */
  url: string;
  /** The body to send, byte for byte, or `undefined`. */
  body: string | undefined;
  /** Headers to set on the request (e.g. `X-MBX-APIKEY`). */
  headers: Record<string, string>;
  /** 1 for the first attempt of a call. */
  number: number;
  /** `'call'` for the caller's request; `'time'` and `'reconcile'` for requests the guard makes itself. */
  purpose: 'call' | 'time' | 'reconcile';
  signal: AbortSignal | undefined;
  /**
   * `'error'` when the attempt carries the API key or a signature: the client must not follow a redirect but hand
   * the 3xx response back, and the guard turns it into an error. `'follow'` otherwise.
   */
  redirect: 'follow' | 'error';
}

/** What the guard needs to know about a response. */
export interface ResponseView {
  status: number;
  headers: unknown;
  /** The body (string, bytes or parsed JSON); only needed when the guard asks for it. */
  body?: unknown;
}

/**
 * How the guard sends through a client. `send` performs one HTTP exchange and resolves for ANY status;
 * it rejects only when no response arrived (connection, timeout, abort).
 */
export interface GuardTransport<R> {
  send(attempt: Attempt): Promise<R>;
  /**
   * Reads a response's status and headers, and its body when the status is 400 or more or `withBody` is true
   * (exchangeInfo, time). Must not consume a body the caller will still read.
   */
  read(response: R, withBody: boolean): ResponseView | Promise<ResponseView>;
}

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
        /** The endpoint table (weights, SIGNED). @default the profile's table (`spot.endpoints`, `usdm.endpoints`) */
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

interface Described {
  method: string;
  origin: string;
  path: string;
  /** The caller's query parameters, unsigned, in order. */
  query: URLSearchParams;
  /** The caller's URL as given, for requests the guard does not re-sign. */
  rawUrl: string;
  body: string | undefined;
  /** What it costs against the rate limits, as the profile's endpoint table says; `cost.path` picks its budget. */
  cost: EndpointWeight;
  signed: boolean;
  apiKeyOnly: boolean;
  /** A cancel, or an order the API serves while it sheds load: passes an open breaker and queues ahead. */
  reducesExposure: boolean;
  label: string;
  /** Server-clock ms after which the last signed attempt can no longer execute: its timestamp + recvWindow. */
  expiresAt?: number;
  /** How many clock syncs had completed when the last attempt was stamped (see `ServerClock.resyncSince`). */
  stampedSyncs?: number;
  /** The `X-MBX-APIKEY` the caller set itself, if any. */
  callerKey: string | undefined;
}

/** What one call through the guard has learnt so far. */
interface RunState {
  /** Exact values to scrub from errors: the credentials, the caller's key, and every signature of this call. */
  secrets: string[];
  /** Whether an attempt of the call went out (so its outcome can be unknown). */
  sent: boolean;
}

/** How long after its outcome became unknown a request is still answered without sending, beyond its recvWindow. */
const REMEMBER_BEYOND_RECV_WINDOW_MS = 60_000;

const defaultSleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

const shared = new Map<string, BinanceGuard>();

/**
 * The one object adapters talk to: it throttles, stamps, signs, runs each attempt through the breaker, observes
 * the response, classifies failures and decides what happens next — so that axios, ky and got behave alike.
 *
 * One guard per origin is shared inside a process by default ({@link BinanceGuard.shared}), because Binance
 * counts weight per IP: an axios and a got client on the same host share one budget, one clock and one breaker.
 *
 * @example
 * ```ts
 * const guard = new BinanceGuard('https://api.binance.com', { throttle: { maxWaitMs: 5000 } });
 * guard.onRateLimit((e) => console.warn('429, pausing', e.retryAfterMs, 'ms'));
 * ```
 */
export class BinanceGuard {
  readonly origin: string;
  /** The API this guard talks to (the `product` option, else the origin's). */
  readonly profile: ApiProfile;
  readonly #limiter: WeightLimiter | undefined;
  readonly #clock: ServerClock | undefined;
  readonly #breaker: Breaker | undefined;
  readonly #endpoints: EndpointTable;
  readonly #defaultWeight: number;
  readonly #readRetries: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #docsBaseUrl: string | undefined;
  readonly #retry = new Listeners<RetryEvent>();
  readonly #unknownEndpoint = new Listeners<UnknownEndpointEvent>();
  /** The options it was built with, to refuse a later `shared()` caller that asks for different ones. */
  readonly #options: BinanceGuardOptions;
  readonly #ledger = new OutcomeLedger();
  /** The transport of the most recent call: the clock syncs through the client the user already configured. */
  #timeTransport: GuardTransport<unknown> | undefined;

  constructor(origin: string, options: BinanceGuardOptions = {}) {
    this.origin = normaliseOrigin(origin);
    validateGuardOptions(options);
    this.profile = profileOf(this.origin, options.product);
    // Recorded as resolved, so a later `shared()` caller naming the origin's own product does not conflict.
    this.#options = { ...options, product: this.profile.product };
    const throttle = options.throttle === false ? undefined : (options.throttle ?? {});
    const clockOptions = options.clock === false ? undefined : (options.clock ?? {});
    this.#endpoints = throttle?.endpoints ?? this.profile.endpoints;
    this.#defaultWeight = throttle?.defaultWeight ?? 1;
    this.#clock = clockOptions
      ? new ServerClock({
          fetchServerTime: (signal) => this.#fetchServerTime(signal),
          ...(clockOptions.samples === undefined ? {} : { samples: clockOptions.samples }),
          ...(clockOptions.resyncIntervalMs === undefined ? {} : { resyncIntervalMs: clockOptions.resyncIntervalMs }),
        })
      : undefined;
    this.#limiter = throttle
      ? new WeightLimiter({
          profile: this.profile,
          limits: throttle.limits,
          budgetLimits: throttle.budgetLimits,
          maxWaitMs: throttle.maxWaitMs,
          safety: throttle.safety,
          store: throttle.store,
          intervalScale: throttle.intervalScale,
          edgeGuardMs: throttle.edgeGuardMs,
          serverNow: this.#clock ? () => this.#clock!.now() : () => Date.now(),
        })
      : undefined;
    // The clock's /time round trips are the first latency the derived edge guard knows, before any response.
    const limiter = this.#limiter;
    if (limiter && this.#clock) {
      this.#clock.onSync((sync) => {
        for (const sample of sync.samples) limiter.observeLatency(sample.rttMs);
      });
    }
    this.#breaker = options.breaker === false ? undefined : new OpossumBreaker(options.breaker ?? {});
    this.#readRetries = options.retry?.reads ?? 2;
    this.#baseDelayMs = options.retry?.baseDelayMs ?? 200;
    this.#maxDelayMs = options.retry?.maxDelayMs ?? 2000;
    this.#docsBaseUrl = options.docsBaseUrl;
  }

  /**
   * The guard shared by everything in this process that talks to `origin`; the first caller's options build it.
   * A later caller that sets an option to a different value gets a `TypeError` naming it: Binance counts weight
   * per IP, so a second guard for the same origin would spend the same budget twice, and silently ignoring the
   * option would leave the caller believing it applies. Pass `guard: new BinanceGuard(…)` for separate state.
   */
  static shared(origin: string, options?: BinanceGuardOptions): BinanceGuard {
    const key = normaliseOrigin(origin);
    let guard = shared.get(key);
    if (!guard) {
      guard = new BinanceGuard(key, options);
      shared.set(key, guard);
    } else if (options !== undefined) {
      validateGuardOptions(options);
      const conflict = sharedConflict(guard.#options, options);
      if (conflict) {
        throw new TypeError(
          `${conflict.path} is ${conflict.given} here, but the guard already shared for ${key} was built with ${conflict.existing}; pass the same options, or pass \`guard: new BinanceGuard(…)\` for separate state (which then shares no weight budget)`,
        );
      }
    }
    return guard;
  }

  /**
   * Sends one call through the guard: waits for budget, stamps and signs, sends through the breaker, observes the
   * response, and retries only where that is safe (-1021 once after a resync; 429 after `Retry-After`; reads
   * after 5xx/-1007/network errors). Resolves with the client's response; rejects with a `BinanceError`.
   * Nothing that may have placed, changed or cancelled an order is ever sent twice.
   */
  async run<R>(request: GuardRequest, transport: GuardTransport<R>, call: CallOptions = {}): Promise<R> {
    this.#timeTransport = transport as GuardTransport<unknown>;
    const req = this.#describe(request, call);
    const state: RunState = { secrets: secretsOf(req, call), sent: false };
    const signer = req.signed ? call.credentials?.signer : undefined;
    // A request that may change an order goes through the ledger: never sent again while its outcome is unknown.
    const key =
      req.signed && !isIdempotentMethod(req.method)
        ? OutcomeLedger.fingerprint(
            req.method,
            req.origin,
            req.path,
            call.credentials?.apiKey ?? req.callerKey ?? '',
            mergedParams(req),
          )
        : undefined;
    if (key !== undefined) {
      for (let prior = this.#ledger.get(key); prior; prior = this.#ledger.get(key)) {
        if (!prior.pending) return await this.#answerResend(req, transport, call, prior);
        await prior.settled;
      }
    }
    if (
      call.reconcile &&
      signer &&
      this.profile.isPlacement(req.method, req.path) &&
      clientOrderIdOf(req) === undefined
    ) {
      // Without an id of our own the outcome could not be looked up afterwards.
      req.query.set('newClientOrderId', newClientId());
    }
    const recvWindow = call.recvWindow ?? recvWindowOf(req.query) ?? 5000;
    const ticket = key === undefined ? undefined : this.#ledger.open(key, recvWindow + REMEMBER_BEYOND_RECV_WINDOW_MS);
    try {
      const response = await this.#runAttempts(req, transport, call, state, signer !== undefined);
      ticket?.close(undefined);
      return response;
    } catch (error) {
      const unknown = isBinanceError(error) && error.executed === 'unknown' && state.sent ? error : undefined;
      ticket?.close(unknown, clientOrderIdOf(req), req.expiresAt);
      throw error;
    }
  }

  async #runAttempts<R>(
    req: Described,
    transport: GuardTransport<R>,
    call: CallOptions,
    state: RunState,
    canResign: boolean,
  ): Promise<R> {
    let timeRetried = false;
    let rateLimitRetries = 0;
    let readRetries = 0;
    for (let number = 1; ; number++) {
      try {
        return await this.#attempt(req, transport, call, number, 'call', state);
      } catch (error) {
        const err = this.#toBinanceError(error, req, call, state);
        if (err.category === 'timestamp' && req.signed && !canResign) {
          // The caller signed it: sending the same stale signature again cannot succeed.
          throw withHint(
            err,
            'The request was signed by the caller, and the plugin has no apiSecret/privateKey to sign it again with a ' +
              'timestamp on the server clock. Give binanceErrors() the apiSecret (or privateKey) and let it sign.',
            state.secrets,
          );
        }
        if (err.category === 'timestamp' && req.signed && !timeRetried && this.#clock) {
          timeRetried = true;
          await this.#clock.resyncSince(req.stampedSyncs ?? this.#clock.syncs, call.signal).catch(() => {
            throw err;
          });
          this.#retry.emit({
            method: req.method,
            path: req.path,
            attempt: number + 1,
            reason: 'timestamp',
            delayMs: 0,
          });
          continue;
        }
        if (err.category === 'rate-limit' && rateLimitRetries < 3 && this.#limiter && this.#canWait(err, call)) {
          // The limiter is paused until Retry-After: the next acquire waits for it. A 429 was never executed.
          rateLimitRetries++;
          const delayMs = err.retryAfterMs ?? 0;
          this.#retry.emit({ method: req.method, path: req.path, attempt: number + 1, reason: 'rate-limit', delayMs });
          continue;
        }
        if (
          err.retryable &&
          isIdempotentMethod(req.method) &&
          readRetries < this.#readRetries &&
          (err.category === 'unknown-outcome' ||
            err.category === 'server' ||
            err.category === 'network' ||
            err.category === 'timeout')
        ) {
          readRetries++;
          const delayMs = backoffDelay(readRetries, this.#baseDelayMs, this.#maxDelayMs);
          this.#retry.emit({ method: req.method, path: req.path, attempt: number + 1, reason: 'read-retry', delayMs });
          await defaultSleep(delayMs, call.signal).catch(() => {
            throw err;
          });
          continue;
        }
        if (
          call.reconcile &&
          err.executed === 'unknown' &&
          canResign &&
          this.profile.isPlacement(req.method, req.path)
        ) {
          return await this.#reconcile(req, transport, call, err);
        }
        throw err;
      }
    }
  }

  /**
   * Answers, without sending anything, a request identical to one whose outcome is unknown: by looking the order
   * up when `reconcile` is on and the order has a client order id, else with a `BinanceUnknownOutcomeError`.
   */
  async #answerResend<R>(req: Described, transport: GuardTransport<R>, call: CallOptions, prior: LedgerEntry) {
    const original = prior.error!;
    if (
      call.reconcile &&
      prior.clientOrderId !== undefined &&
      call.credentials?.signer &&
      this.profile.isPlacement(req.method, req.path)
    ) {
      req.query.set('newClientOrderId', prior.clientOrderId);
      // The lookup may conclude "not placed" only once the first send can no longer execute.
      if (prior.executableUntil !== undefined) req.expiresAt = prior.executableUntil;
      return await this.#reconcile(req, transport, call, original);
    }
    throw new BinanceUnknownOutcomeError({
      message:
        `Binance ${req.label} was not sent again: the same request ended ${Math.max(0, Date.now() - prior.since)} ms ago ` +
        `in "${original.message}", and it may have executed.`,
      executed: 'unknown',
      retryable: false,
      hint:
        'Query the order (or enable `reconcile`) before sending it again. To place a new, identical order on ' +
        'purpose, give it its own newClientOrderId.',
      request: original.request,
      cause: original,
    });
  }

  /** Usage, limits, ban, breaker state and clock offset, as plain data. */
  snapshot(): GuardSnapshot {
    return {
      origin: this.origin,
      product: this.profile.product,
      throttle: this.#limiter?.snapshot(),
      breaker: this.#breaker ? { state: this.#breaker.state, retryAfterMs: this.#breaker.retryAfterMs() } : undefined,
      clock: this.#clock?.snapshot(),
    };
  }

  /** A request waits for rate-limit budget. */
  onWait(listener: (event: ThrottleWaitEvent) => void): () => void {
    return this.#limiter ? this.#limiter.onWait(listener) : () => {};
  }

  /** A 429 paused every request, or a request was refused locally. */
  onRateLimit(listener: (event: ThrottleRateLimitEvent) => void): () => void {
    return this.#limiter ? this.#limiter.onRateLimit(listener) : () => {};
  }

  /** A 418 ban: everything fails fast until it ends. */
  onBan(listener: (event: ThrottleBanEvent) => void): () => void {
    return this.#limiter ? this.#limiter.onBan(listener) : () => {};
  }

  /** The breaker opened, half-opened or closed. */
  onBreakerStateChange(listener: (state: BreakerState, previous: BreakerState) => void): () => void {
    return this.#breaker ? this.#breaker.onStateChange(listener) : () => {};
  }

  /** The clock synced with the server. */
  onClockSync(listener: Parameters<ServerClock['onSync']>[0]): () => void {
    return this.#clock ? this.#clock.onSync(listener) : () => {};
  }

  /** An attempt is about to be sent again. */
  onRetry(listener: (event: RetryEvent) => void): () => void {
    return this.#retry.on(listener);
  }

  /** A request went to an endpoint the weight table does not know (it was charged the default weight). */
  onUnknownEndpoint(listener: (event: UnknownEndpointEvent) => void): () => void {
    return this.#unknownEndpoint.on(listener);
  }

  /** Stops timers (clock resync, breaker) so the process can exit; the guard must not be used afterwards. */
  close(): void {
    this.#clock?.close();
    this.#breaker?.shutdown();
    this.#limiter?.close();
    if (shared.get(this.origin) === this) shared.delete(this.origin);
  }

  [inspect.custom](): string {
    return `BinanceGuard ${inspect(this.snapshot(), { depth: 4 })}`;
  }

  toJSON(): GuardSnapshot {
    return this.snapshot();
  }

  async #attempt<R>(
    req: Described,
    transport: GuardTransport<R>,
    call: CallOptions,
    number: number,
    purpose: Attempt['purpose'],
    state: RunState = { secrets: secretsOf(req, call), sent: false },
  ): Promise<R> {
    // Refused before sending (perhaps while the clock's own request waited): the caller's request is the one refused.
    const refused = (error: unknown) =>
      refusedBeforeSending(error, { method: req.method, url: req.rawUrl, label: req.label }, state.secrets);
    const permit = await this.#admit(req, call).catch((error: unknown) => {
      throw refused(error);
    });
    // Stamp and sign after the wait, from the unsigned originals, so a retry never carries two signatures.
    const attempt = this.#build(req, call, number, purpose, state.secrets);
    const exchange = () => this.#exchange(req, transport, attempt, permit, state);
    if (!this.#breaker) return exchange();
    try {
      return await this.#breaker.run(exchange, { bypass: req.reducesExposure });
    } catch (error) {
      if (!(error instanceof BinanceCircuitOpenError)) throw error;
      if (permit) await this.#limiter?.release(permit);
      throw refused(error);
    }
  }

  /** Everything before an attempt may leave: the breaker, the clock's first sync, the wait for budget. */
  async #admit(req: Described, call: CallOptions): Promise<Permit | undefined> {
    if (this.#breaker && !req.reducesExposure && this.#breaker.state === 'open') throw this.#circuitOpen();
    const signer = req.signed ? call.credentials?.signer : undefined;
    if (signer && this.#clock) await this.#clock.ensureSynced();
    if (!this.#limiter) return undefined;
    return await this.#limiter.acquire({
      ...req.cost,
      priority: req.reducesExposure ? 'cancel' : 'normal',
      signal: call.signal,
      maxWaitMs: call.maxWaitMs,
      label: req.label,
    });
  }

  async #exchange<R>(
    req: Described,
    transport: GuardTransport<R>,
    attempt: Attempt,
    permit: Permit | undefined,
    state: RunState,
  ) {
    let response: R;
    try {
      state.sent = true;
      response = await transport.send(attempt);
    } catch (error) {
      if (permit) await this.#limiter?.settle(permit, { success: false });
      throw error;
    }
    const view = await transport.read(response, this.profile.isExchangeInfo(req.method, req.path));
    if (permit) {
      await this.#limiter?.settle(permit, {
        status: view.status,
        headers: view.headers,
        refundOnSuccess: req.cost.weightOnSuccess === 0,
      });
    }
    if (view.status >= 300 && view.status < 400 && attempt.redirect === 'error') {
      const { method, url } = attempt;
      throw redirectError({
        method,
        label: req.label,
        url,
        status: view.status,
        headers: view.headers,
        secrets: state.secrets,
      });
    }
    if (view.status < 400) {
      if (this.profile.isExchangeInfo(req.method, req.path)) this.#learn(view.body);
      return response;
    }
    const err = classify({
      status: view.status,
      headers: view.headers as Record<string, string>,
      body: view.body,
      request: { method: attempt.method, url: attempt.url },
      secrets: state.secrets,
      docsBaseUrl: this.#docsBaseUrl,
      product: this.profile.product,
    });
    await this.#obey(err, view.status);
    throw err;
  }

  /** A 418 bans and a 429 pauses every request on this guard, whichever request (the caller's, the clock's) got it. */
  async #obey(err: BinanceError, status: number): Promise<void> {
    if (err.category === 'ip-ban' && this.#limiter) {
      // The message's "banned until" is the server's own clock, to the ms; Retry-After is rounded up to seconds.
      await this.#limiter.ban(
        err.bannedUntil ? { untilServerMs: err.bannedUntil.getTime() } : { retryAfterMs: err.retryAfterMs ?? 120_000 },
      );
    } else if (err.category === 'rate-limit' && this.#limiter && status === 429) {
      await this.#limiter.penalize({ retryAfterMs: err.retryAfterMs ?? 1000 });
    }
  }

  #build(
    req: Described,
    call: CallOptions,
    number: number,
    purpose: Attempt['purpose'],
    secrets: string[] = [],
  ): Attempt {
    const headers: Record<string, string> = {};
    const apiKey = call.credentials?.apiKey;
    if (apiKey && (req.signed || req.apiKeyOnly)) headers['X-MBX-APIKEY'] = apiKey;
    // The key or a signature never follows a redirect: it would go wherever the Location points.
    const redirect =
      headers['X-MBX-APIKEY'] !== undefined || req.callerKey !== undefined || req.signed ? 'error' : 'follow';
    const signer = req.signed ? call.credentials?.signer : undefined;
    if (!signer) {
      // No credentials: a request that arrives already signed is left exactly as it is.
      const url = req.rawUrl;
      return { method: req.method, url, body: req.body, headers, number, purpose, signal: call.signal, redirect };
    }
    const recvWindow = call.recvWindow ?? recvWindowOf(req.query) ?? 5000;
    const timestamp = this.#clock ? this.#clock.stamp() : Date.now();
    const signed = signRequest({ query: req.query, body: req.body, timestamp, recvWindow, signer });
    req.expiresAt = timestamp + recvWindow;
    if (this.#clock) req.stampedSyncs = this.#clock.syncs;
    // Every signature computed is a secret of this call: a server or proxy that echoes it must not get it into an error.
    const signature = new URLSearchParams(signed.query).get('signature');
    if (signature) secrets.push(signature, encodeURIComponent(signature));
    return {
      method: req.method,
      url: `${req.origin}${req.path}?${signed.query}`,
      body: signed.body,
      headers,
      number,
      purpose,
      signal: call.signal,
      redirect,
    };
  }

  #describe(request: GuardRequest, call: CallOptions): Described {
    const method = String(request.method ?? 'GET').toUpperCase();
    const url = request.url instanceof URL ? request.url : new URL(request.url);
    const path = url.pathname;
    const params = new URLSearchParams(url.search);
    const bodyParams = request.body ? new URLSearchParams(request.body) : undefined;
    const merged = new URLSearchParams(bodyParams);
    for (const [k, v] of params) merged.set(k, v);
    const cost = weightOf(method, path, merged, { table: this.#endpoints, defaultWeight: this.#defaultWeight });
    if (!cost.known) this.#unknownEndpoint.emit({ method, path, weight: cost.weight });
    const signed = call.signed ?? (cost.signed || params.has('signature'));
    const callerKey = headerEntries(request.headers).find(([name]) => name.toLowerCase() === 'x-mbx-apikey')?.[1];
    return {
      method,
      origin: url.origin,
      path,
      query: params,
      rawUrl: url.href,
      body: request.body,
      cost,
      signed,
      apiKeyOnly: this.#endpoints.get(`${method} ${cost.path}`)?.security === 'API_KEY',
      reducesExposure: this.profile.isCancel(method, path) || this.profile.isOverloadExempt(method, path, merged),
      label: `${method} ${path}`,
      callerKey,
    };
  }

  #toBinanceError(
    error: unknown,
    req: Described,
    call: CallOptions,
    state: RunState = { secrets: secretsOf(req, call), sent: true },
  ): BinanceError {
    if (isBinanceError(error)) return error;
    if (call.signal?.aborted) {
      return new BinanceAbortError({
        message: `Binance request (${req.label}) was aborted${state.sent ? '' : ' before it was sent'}.`,
        executed: state.sent ? 'unknown' : 'no',
        request: { method: req.method, url: redactUrl(req.rawUrl, state.secrets) },
        cause: error,
        secrets: state.secrets,
      });
    }
    return classify({
      error,
      request: { method: req.method, url: req.rawUrl },
      secrets: state.secrets,
      docsBaseUrl: this.#docsBaseUrl,
      product: this.profile.product,
    });
  }

  #canWait(err: BinanceError, call: CallOptions): boolean {
    return (err.retryAfterMs ?? 0) <= (call.maxWaitMs ?? this.#limiter?.maxWaitMs ?? 30_000);
  }

  /** The breaker's refusal; `refusedBeforeSending` names the request and gives it Binance's answer. */
  #circuitOpen(): BinanceCircuitOpenError {
    return new BinanceCircuitOpenError({
      message: 'Binance circuit breaker is open after -1008 overloads; the request was not sent.',
      retryAfterMs: this.#breaker?.retryAfterMs() ?? 0,
    });
  }

  #learn(body: unknown): void {
    const parsed = typeof body === 'string' ? safeJson(body) : body;
    const limits = (parsed as { rateLimits?: unknown } | undefined)?.rateLimits;
    if (Array.isArray(limits) && limits.length > 0) this.#limiter?.learn(limits as RateLimit[]);
  }

  async #fetchServerTime(signal?: AbortSignal): Promise<number> {
    const transport = this.#timeTransport;
    if (!transport) throw new Error('The clock cannot sync before a request has gone through the guard.');
    const time = endpointParts(this.profile.special.time);
    const req = this.#describe({ method: time.method, url: `${this.origin}${time.path}` }, {});
    // Time samples skip the breaker: they are cheap, and a resync must work while it probes.
    const permit = this.#limiter ? await this.#limiter.acquire({ ...req.cost, label: req.label, signal }) : undefined;
    const attempt = this.#build(req, { signal }, 1, 'time');
    const response = await transport.send(attempt).catch(async (error: unknown) => {
      if (permit) await this.#limiter?.settle(permit, { success: false });
      throw error;
    });
    const view = await transport.read(response, true);
    if (permit) await this.#limiter?.settle(permit, { status: view.status, headers: view.headers });
    const body =
      typeof view.body === 'string' || view.body instanceof Uint8Array ? safeJson(String(view.body)) : view.body;
    const serverTime = (body as { serverTime?: unknown } | undefined)?.serverTime;
    if (view.status >= 400 || typeof serverTime !== 'number') {
      const err = classify({
        status: view.status,
        headers: view.headers as Record<string, string>,
        body: view.body,
        product: this.profile.product,
      });
      await this.#obey(err, view.status);
      throw err;
    }
    return serverTime;
  }

  /**
   * Looks up an order placement whose outcome is unknown by its client order id. Found → resolves with the order.
   * Not found proves nothing while the request may still arrive late and execute: Binance accepts it until its
   * `timestamp + recvWindow` on the server clock. So "not placed" is concluded only from a lookup made after that
   * moment, waiting for it within `maxWaitMs`; past `maxWaitMs` the original unknown-outcome error stands.
   */
  async #reconcile<R>(req: Described, transport: GuardTransport<R>, call: CallOptions, original: BinanceError) {
    const body = new URLSearchParams(req.body ?? '');
    const clientOrderId = req.query.get('newClientOrderId') ?? body.get('newClientOrderId');
    const symbol = req.query.get('symbol') ?? body.get('symbol');
    if (!clientOrderId || !symbol || req.expiresAt === undefined) throw original;
    const query = new URLSearchParams({ symbol, origClientOrderId: clientOrderId });
    const { method, path } = endpointParts(this.profile.special.orderLookup);
    const lookup = this.#describe({ method, url: `${req.origin}${path}?${query}` }, { signed: true });
    const serverNow = () => (this.#clock ? this.#clock.now() : Date.now());
    // The clock may be off by its uncertainty either way; the extra ms covers the server's whole-ms rounding.
    const expiresAt = req.expiresAt + (this.#clock?.uncertaintyMs ?? 0) + 1;
    const giveUpAt = serverNow() + (call.maxWaitMs ?? this.#limiter?.maxWaitMs ?? 30_000);
    for (;;) {
      const lookedUpAt = serverNow();
      try {
        return await this.#attempt(lookup, transport, call, 1, 'reconcile');
      } catch (error) {
        const err = this.#toBinanceError(error, lookup, call);
        if (err.category !== 'not-found') throw original;
      }
      if (lookedUpAt >= expiresAt) break;
      if (expiresAt > giveUpAt) throw original;
      // A timer can fire a few ms early (it counts from the event loop's cached time): sleep on rather than spend
      // another lookup that could not yet conclude anything.
      while (serverNow() < expiresAt) {
        await defaultSleep(Math.max(1, Math.ceil(expiresAt - serverNow())), call.signal).catch(() => {
          throw original;
        });
      }
    }
    throw new BinanceUnknownOutcomeError({
      message: `Binance ${req.label} ended in "${original.message}"; reconciled: no order with clientOrderId ${clientOrderId} exists on ${symbol} after its recvWindow ended, so it was not placed.`,
      code: original.code,
      msg: original.msg,
      status: original.status,
      executed: 'no',
      retryable: false,
      hint: 'The order was not placed, and can no longer be (its timestamp + recvWindow has passed on the server clock): it is safe to send it again with a new client order id.',
      data: { reconciliation: { clientOrderId, symbol, found: false } },
      request: original.request,
      cause: original,
    });
  }
}

/**
 * The API `product` names, else the origin's. A Binance host serves one API only: naming another for it is refused.
 *
 * @throws TypeError naming the origin, the product given and the one it serves
 */
function profileOf(origin: string, product: ApiProduct | undefined): ApiProfile {
  if (product === undefined) return profileForOrigin(origin);
  const official = officialProfile(origin);
  if (official !== undefined && official.product !== product) {
    throw new TypeError(
      `product is ${JSON.stringify(product)}, but ${origin} serves ${official.title} (${JSON.stringify(official.product)}); leave product out for Binance's own hosts`,
    );
  }
  return profiles[product];
}

function normaliseOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    throw new TypeError(
      `origin must be an absolute URL such as https://api.binance.com, got ${JSON.stringify(origin)}`,
    );
  }
}

/** The exact secret values of a call that are known before it is signed. */
function secretsOf(req: Described, call: CallOptions): string[] {
  const secrets = [...(call.credentials?.secrets ?? [])];
  if (req.callerKey) secrets.push(req.callerKey);
  const callerSignature = req.query.get('signature');
  if (callerSignature) secrets.push(callerSignature, encodeURIComponent(callerSignature));
  return secrets;
}

/** Query and body parameters together, as the exchange reads them. */
function mergedParams(req: Described): URLSearchParams {
  const params = new URLSearchParams(req.body ?? '');
  for (const [name, value] of req.query) params.append(name, value);
  return params;
}

function clientOrderIdOf(req: Described): string | undefined {
  return req.query.get('newClientOrderId') ?? new URLSearchParams(req.body ?? '').get('newClientOrderId') ?? undefined;
}

/** The same error with another hint. */
function withHint(err: BinanceError, hint: string, secrets: readonly string[]): BinanceError {
  const ErrorClass = errorClassFor(err.category);
  return new ErrorClass({
    message: err.message,
    code: err.code,
    msg: err.msg,
    status: err.status,
    retryable: false,
    executed: err.executed,
    hint,
    docsUrl: err.docsUrl,
    request: err.request,
    response: err.response,
    cause: err.cause,
    secrets,
  });
}

function recvWindowOf(query: URLSearchParams): number | undefined {
  const value = query.get('recvWindow');
  return value === null ? undefined : Number(value);
}

function newClientId(): string {
  return `be-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
