import { inspect } from 'node:util';
import type { Breaker, BreakerState } from '../breaker/Breaker.ts';
import { OpossumBreaker } from '../breaker/OpossumBreaker.ts';
import { classify } from '../classify/classify.ts';
import { parseRetryAfter } from '../classify/retryAfter.ts';
import { ServerClock } from '../clock/ServerClock.ts';
import { headerValue } from '../common/headerValue.ts';
import { Listeners } from '../common/Listeners.ts';
import { sleep } from '../common/sleep.ts';
import { unlessAborted } from '../common/unlessAborted.ts';
import type { BinanceError } from '../errors/BinanceError.ts';
import { BinanceAbortError, BinanceCircuitOpenError } from '../errors/classes.ts';
import { isBinanceError } from '../errors/isBinanceError.ts';
import { redactUrl } from '../errors/redact.ts';
import type { RateLimit } from '../errors/types.ts';
import { sharedConflict } from '../options/sharedConflict.ts';
import { validateGuardOptions } from '../options/validateOptions.ts';
import { type ApiProduct, type ApiProfile, endpointParts } from '../profiles/ApiProfile.ts';
import { budgetOrigin, officialProfile, profileForOrigin, profiles } from '../profiles/profileForOrigin.ts';
import { closedError } from '../throttle/throttleErrors.ts';
import type {
  AcquireRequest,
  Permit,
  ThrottleBanEvent,
  ThrottleRateLimitEvent,
  ThrottleWaitEvent,
} from '../throttle/types.ts';
import { WeightLimiter } from '../throttle/WeightLimiter.ts';
import { steadyNow } from '../time/steadyNow.ts';
import { buildAttempt } from './buildAttempt.ts';
import { type Described, RequestReader } from './Described.ts';
import { decodedBody } from './decodedBody.ts';
import { type LedgerEntry, OutcomeLedger } from './OutcomeLedger.ts';
import type { BinanceGuardOptions, GuardSnapshot, RetryEvent, UnknownEndpointEvent } from './options.ts';
import { answerResend, reconcile } from './reconcile.ts';
import { redirectError } from './redirectError.ts';
import { refusedBeforeSending, syncFailed } from './refusedBeforeSending.ts';
import { clientOrderIdOf, mergedParams, newClientId, recvWindowOf } from './requestParams.ts';
import { type RetryPolicy, type RetryTally, retryDecision } from './retryDecision.ts';
import { secretsOf } from './secrets.ts';
import type { Attempt, CallOptions, GuardRequest, GuardTransport, ResponseView } from './transport.ts';

/** What one call through the guard has learnt so far. */
interface RunState {
  /** Exact values to scrub from errors: the credentials, the caller's key, and every signature of this call. */
  secrets: readonly string[];
  /** Whether an attempt of the call went out (so its outcome can be unknown). */
  sent: boolean;
}

/** How long after its outcome became unknown a request is still answered without sending, beyond its recvWindow. */
const REMEMBER_BEYOND_RECV_WINDOW_MS = 60_000;

/** The longest the clock waits for one answer of the server time request, ms. */
const TIME_SAMPLE_LIMIT_MS = 5000;

/** The time source of a guard with `clock: false`, which never syncs. */
const neverSynced = (): Promise<number> => Promise.reject(new Error('clock: false: the guard never syncs'));

/**
 * Keys shared by every copy of this package in a process: the CommonJS and ESM builds, or two versions side by side.
 * Each copy's guards join one registry and pass each other's `instanceof`, because two guards for one origin would
 * spend one IP's weight budget twice. The suffix names what one copy asks of another's guard; it changes when that does.
 */
const SHARED = Symbol.for('@binance-errors/core:shared-guards@1');
const MARK = Symbol.for('@binance-errors/core:BinanceGuard@1');
const JOIN = Symbol.for('@binance-errors/core:join-shared-guard@1');

/** The guards `BinanceGuard.shared` gives out, by origin. */
const registry = globalThis as { [SHARED]?: Map<string, BinanceGuard> };
registry[SHARED] ??= new Map();
const shared = registry[SHARED];

/** Call options of a call that gives none. */
const NO_CALL: CallOptions = Object.freeze({});
/** How long after a failed sync for the throttle's windows a call starts another. */
const WINDOWS_SYNC_RETRY_MS = 60_000;

/** What `#admitNow` returns when the attempt must wait: for the breaker's, the clock's or the limiter's promise. */
const NOT_NOW = Symbol('not now');

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
  readonly #reader: RequestReader;
  readonly #readRetries: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #docsBaseUrl: string | undefined;
  readonly #retry = new Listeners<RetryEvent>();
  readonly #unknownEndpoint = new Listeners<UnknownEndpointEvent>();
  /** The options it was built with, to refuse a later `shared()` caller that asks for different ones. */
  readonly #options: BinanceGuardOptions;
  readonly #ledger = new OutcomeLedger();
  #closed = false;
  /** Frozen options objects `shared()` has accepted for this guard: they are not checked again. */
  readonly #accepted = new WeakSet<object>();
  /** The transport of the most recent call: the clock syncs through the client the user already configured. */
  #timeTransport: GuardTransport<unknown> | undefined;
  /**
   * The origin (and gateway prefix) of the most recent call: where the clock asks (one of several hosts that share
   * this guard).
   */
  #timeBase: string | undefined;
  /**
   * Steady ms from which a call starts the clock's first sync for the throttle's windows (`Infinity`: synced, a sync
   * under way, or nothing to sync). A guard that sends nothing signed has no other reason to sync.
   */
  #windowsSyncAt = Number.POSITIVE_INFINITY;

  constructor(origin: string, options: BinanceGuardOptions = {}) {
    this.origin = normalizeOrigin(origin);
    validateGuardOptions(options);
    this.profile = profileOf(this.origin, options.product);
    // Recorded as resolved, so a later `shared()` caller naming the origin's own product does not conflict.
    this.#options = { ...options, product: this.profile.product };
    if (Object.isFrozen(options)) this.#accepted.add(options);
    const throttle = options.throttle === false ? undefined : (options.throttle ?? {});
    const clockOptions = options.clock === false ? undefined : (options.clock ?? {});
    this.#reader = new RequestReader(
      this.profile,
      throttle?.endpoints ?? this.profile.endpoints,
      throttle?.defaultWeight ?? 1,
    );
    this.#clock = clockOptions
      ? new ServerClock({
          fetchServerTime: (signal) => this.#fetchServerTime(signal),
          ...(clockOptions.samples === undefined ? {} : { samples: clockOptions.samples }),
          ...(clockOptions.resyncIntervalMs === undefined ? {} : { resyncIntervalMs: clockOptions.resyncIntervalMs }),
        })
      : undefined;
    // With `clock: false`, one that never syncs: the host's time, following the steps of its wall clock.
    const hostTime = this.#clock ?? new ServerClock({ fetchServerTime: neverSynced, resyncIntervalMs: 0 });
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
          // Without a clock, the host's time, which the clock keeps until its first sync (see `onStep` below).
          serverNow: () => hostTime.now(),
        })
      : undefined;
    // The clock's /time round trips are the first latency the derived edge guard knows, before any response.
    const limiter = this.#limiter;
    if (limiter) {
      this.#clock?.onSync((sync) => {
        for (const sample of sync.samples) limiter.observeLatency(sample.rttMs);
      });
      // The time the limiter runs on changed at once (a step of the host's clock before the first sync; the first
      // sync, from the host's time to the server's): its pauses, waits and windows move with it.
      hostTime.onStep((stepMs) => limiter.clockStepped(stepMs));
      if (this.#clock) this.#windowsSyncAt = 0;
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
    // An origin as `URL` writes it is its own key.
    const known = shared.get(origin);
    if (known !== undefined) return known[JOIN](options);
    // Hosts that serve one API behind one IP's limits share one guard.
    const key = budgetOrigin(normalizeOrigin(origin));
    const guard = shared.get(key)?.[JOIN](options) ?? new BinanceGuard(key, options);
    shared.set(key, guard);
    // Kept under the name asked for too, which the next call looks up first.
    if (origin !== key) shared.set(origin, guard);
    return guard;
  }

  /**
   * This guard, for a `shared()` caller with `options`, which must not differ from its own. Keyed by a symbol every
   * copy of the package knows, because the guard may come from another copy, whose private fields this copy's code
   * cannot read.
   */
  [JOIN](options: BinanceGuardOptions | undefined): this {
    // A frozen options object, once accepted, cannot have changed.
    if (options === undefined || this.#accepted.has(options)) return this;
    validateGuardOptions(options);
    const conflict = sharedConflict(this.#options, options);
    if (conflict) {
      throw new TypeError(
        `${conflict.path} is ${conflict.given} here, but the guard already shared for ${this.origin} was built with ${conflict.existing}; pass the same options, or pass \`guard: new BinanceGuard(…)\` for separate state (which then shares no weight budget)`,
      );
    }
    if (Object.isFrozen(options)) this.#accepted.add(options);
    return this;
  }

  /** `instanceof` that also recognises guards made by another copy of this package. */
  static [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: a subclass on the right of instanceof keeps the prototype test.
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return (
      // biome-ignore lint/complexity/noThisInStatic: as above.
      this === BinanceGuard &&
      typeof value === 'object' &&
      value !== null &&
      (value as { [MARK]?: unknown })[MARK] === true
    );
  }

  /**
   * Sends one call through the guard: waits for budget, stamps and signs, sends through the breaker, observes the
   * response, and retries only where that is safe (-1021 once after a resync; 429 after `Retry-After`; reads
   * after 5xx/-1007/network errors). Resolves with the client's response; rejects with a `BinanceError`.
   * Nothing that may have placed, changed or cancelled an order is ever sent twice.
   */
  run<R>(request: GuardRequest, transport: GuardTransport<R>, call: CallOptions = NO_CALL): Promise<R> {
    let req: Described;
    try {
      req = this.#describe(request, call);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#timeTransport = transport as GuardTransport<unknown>;
    this.#timeBase = req.base;
    const state: RunState = { secrets: secretsOf(req, call), sent: false };
    // A request that may change an order goes through the ledger: never sent again while its outcome is unknown.
    const result = req.mayChangeOrders
      ? this.#runOnce(req, transport, call, state)
      : this.#runAttempts(req, transport, call, state);
    if (this.#windowsSyncAt !== Number.POSITIVE_INFINITY && steadyNow() >= this.#windowsSyncAt) {
      this.#windowsSyncAt = Number.POSITIVE_INFINITY;
      result.then(this.#syncWindows, this.#syncWindowsLater);
    }
    return result;
  }

  /**
   * Starts the clock's first sync once a call has succeeded, without holding it: the throttle's windows are the
   * exchange's, aligned to its clock, and until the sync they are the host's. A host off by a second would let a
   * burst sent at the end of its window land in the exchange's next one, which the throttle then grants in full
   * again. Not beside the call: one that meets a 429 or 418 (another program spent the IP's window) would take the
   * sync's /time with it into the pause or ban, or one the client refused would fail the sync on its transport. A
   * failed sync is tried again a minute later; a signed call still waits for its own.
   */
  readonly #syncWindows = (): void => {
    if (this.#closed) return;
    this.#clock!.ensureSynced().catch(() => {
      if (!this.#closed && !this.#clock!.synced) this.#windowsSyncAt = steadyNow() + WINDOWS_SYNC_RETRY_MS;
    });
  };

  /** The call that was to start the sync failed: the next call's success starts it. */
  readonly #syncWindowsLater = (): void => {
    if (!this.#clock!.synced) this.#windowsSyncAt = 0;
  };

  /** Runs a signed request that may change an order: at most once while an identical one's outcome is unknown. */
  async #runOnce<R>(req: Described, transport: GuardTransport<R>, call: CallOptions, state: RunState): Promise<R> {
    const key = OutcomeLedger.fingerprint(
      req.method,
      budgetOrigin(req.origin),
      req.path,
      call.credentials?.apiKey ?? req.callerKey ?? '',
      mergedParams(req),
    );
    for (let prior = this.#ledger.get(key); prior; prior = this.#ledger.get(key)) {
      if (!prior.pending) return await this.#answerResend(req, transport, call, prior);
      // A caller that gives up while the identical request is in flight has sent nothing.
      await unlessAborted(prior.settled, call.signal).catch((error: unknown) => {
        throw this.#toBinanceError(error, req, call, state);
      });
    }
    if (call.reconcile && call.credentials?.signer && req.placement && clientOrderIdOf(req) === undefined) {
      // Without an id of our own the outcome could not be looked up afterwards.
      req.query.set('newClientOrderId', newClientId());
    }
    const recvWindow = call.recvWindow ?? recvWindowOf(req) ?? 5000;
    const ticket = this.#ledger.open(key, recvWindow + REMEMBER_BEYOND_RECV_WINDOW_MS);
    let unknown: BinanceError | undefined;
    try {
      const response = await this.#runAttempts(req, transport, call, state);
      // An answer that came after its caller gave up (a client whose abort did not stop the send) never reached
      // it: its client said the outcome was unknown, and its retry layer may send the order again.
      if (call.signal?.aborted) unknown = this.#toBinanceError(call.signal.reason, req, call, state);
      return response;
    } catch (error) {
      if (isBinanceError(error) && error.executed === 'unknown' && state.sent) unknown = error;
      throw error;
    } finally {
      ticket.close(unknown, unknown ? clientOrderIdOf(req) : undefined, req.expiresAt);
    }
  }

  /** Runs the call's attempts: the first, and as many more as the retry policy allows after it fails. */
  #runAttempts<R>(req: Described, transport: GuardTransport<R>, call: CallOptions, state: RunState): Promise<R> {
    // Nearly every call ends with its first attempt, which needs neither the loop nor its state. Its failure goes to
    // the retry policy from inside the attempt's own chain: a call that succeeds at once makes one promise of the
    // guard's, the one its caller awaits, and no callback for a failure it does not have.
    return this.#attempt(req, transport, call, 1, 'call', state, true);
  }

  /** `attempt`, with its failure handed to the retry policy when it is a call's first (`retries`). */
  #failOver<R>(
    attempt: Promise<R>,
    retries: boolean,
    req: Described,
    transport: GuardTransport<R>,
    call: CallOptions,
    state: RunState,
  ): Promise<R> {
    if (!retries) return attempt;
    return attempt.then(undefined, (error: unknown) => this.#retryAfter(error, req, transport, call, state));
  }

  /** The attempts after a first one failed with `firstError`, for as long as the retry policy allows. */
  async #retryAfter<R>(
    firstError: unknown,
    req: Described,
    transport: GuardTransport<R>,
    call: CallOptions,
    state: RunState,
  ): Promise<R> {
    const tally: RetryTally = { timestampRetried: false, rateLimitRetries: 0, readRetries: 0 };
    let error = firstError;
    for (let number = 1; ; number++) {
      const err = this.#toBinanceError(error, req, call, state);
      const step = retryDecision(
        {
          error: err,
          method: req.method,
          signed: req.signed,
          canResign: req.signed && call.credentials?.signer !== undefined,
          placement: req.placement,
          reconcile: call.reconcile === true,
          secrets: state.secrets,
        },
        tally,
        this.#retryPolicy(call),
      );
      const retry = { method: req.method, path: req.path, attempt: number + 1 };
      switch (step.kind) {
        case 'throw':
          throw step.error;
        case 'reconcile':
          return await this.#reconcile(req, transport, call, err);
        case 'resync': {
          tally.timestampRetried = true;
          const clock = this.#clock!;
          // The resync is shared by every call that got a -1021 meanwhile: one caller's abort ends its own wait only.
          await unlessAborted(clock.resyncSince(req.stampedSyncs ?? clock.syncs), call.signal).catch(() => {
            throw err;
          });
          this.#retry.emit({ ...retry, reason: 'timestamp', delayMs: 0 });
          break;
        }
        case 'rate-limit':
          // The limiter is paused until Retry-After: the next acquire waits for it.
          tally.rateLimitRetries++;
          this.#retry.emit({ ...retry, reason: 'rate-limit', delayMs: step.delayMs });
          break;
        case 'read-retry':
          tally.readRetries++;
          this.#retry.emit({ ...retry, reason: 'read-retry', delayMs: step.delayMs });
          await sleep(step.delayMs, call.signal).catch(() => {
            throw err;
          });
          break;
      }
      try {
        return await this.#attempt(req, transport, call, number + 1, 'call', state);
      } catch (next) {
        error = next;
      }
    }
  }

  /** Answers a request identical to one whose outcome is unknown, without sending it (see `answerResend`). */
  #answerResend<R>(req: Described, transport: GuardTransport<R>, call: CallOptions, prior: LedgerEntry): Promise<R> {
    const canReconcile = call.reconcile && call.credentials?.signer && req.placement;
    return answerResend(
      req,
      prior,
      canReconcile ? (order, original) => this.#reconcile(order, transport, call, original) : undefined,
    );
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
    this.#closed = true;
    this.#clock?.close();
    this.#breaker?.shutdown();
    this.#limiter?.close();
    for (const [origin, guard] of shared) if (guard === this) shared.delete(origin);
  }

  [inspect.custom](): string {
    return `BinanceGuard ${inspect(this.snapshot(), { depth: 4 })}`;
  }

  toJSON(): GuardSnapshot {
    return this.snapshot();
  }

  /**
   * One attempt: admitted, stamped and signed, sent through the breaker, its response observed. With `retries`, the
   * retry policy takes the attempt's failure (`#failOver`), without a promise of its own when the attempt succeeds.
   */
  #attempt<R>(
    req: Described,
    transport: GuardTransport<R>,
    call: CallOptions,
    number: number,
    purpose: Attempt['purpose'],
    state: RunState = { secrets: secretsOf(req, call), sent: false },
    retries = false,
  ): Promise<R> {
    let permit: Permit | undefined | typeof NOT_NOW;
    try {
      permit = this.#admitNow(req, call);
    } catch (error) {
      return this.#failOver(Promise.reject(this.#refused(error, req, state)), retries, req, transport, call, state);
    }
    if (permit === NOT_NOW) return this.#sendAdmitted(req, transport, call, number, purpose, state, retries);
    return this.#send(req, transport, call, number, purpose, state, permit, retries);
  }

  /**
   * {@link #attempt} of an attempt that waits to be admitted: sent once it is. A function of its own, as are the
   * other rare paths of a request that make closures (`#probe`, `#judgedOnceRead`, `#verdictOnceSettled`,
   * `#rejected`): V8 allocates the variables a closure captures in a context on every call of the function that
   * makes it, whether that branch is taken or not. Kept in the request's path, they cost about 230 bytes a request.
   */
  #sendAdmitted<R>(
    req: Described,
    transport: GuardTransport<R>,
    call: CallOptions,
    number: number,
    purpose: Attempt['purpose'],
    state: RunState,
    retries: boolean,
  ): Promise<R> {
    const sent = this.#admit(req, call, state).then(
      (granted) => this.#send(req, transport, call, number, purpose, state, granted),
      (error: unknown) => {
        throw this.#refused(error, req, state);
      },
    );
    return this.#failOver(sent, retries, req, transport, call, state);
  }

  /**
   * Admits an attempt without waiting, as nearly every one is: the breaker lets it pass, the clock needs no
   * sync, and the limiter has room now. `NOT_NOW` when it must wait for one of them; throws the breaker's refusal.
   */
  #admitNow(req: Described, call: CallOptions): Permit | undefined | typeof NOT_NOW {
    if (this.#breaker && !req.reducesExposure && this.#breaker.state === 'open') throw this.#circuitOpen();
    if (this.#stampingClock(req, call)?.fresh === false) return NOT_NOW;
    if (!this.#limiter) return undefined;
    // Its signal matters only to a wait, which `#admit` asks for with it; an aborted call is refused there.
    const request =
      call.maxWaitMs === undefined && !call.signal?.aborted ? req.admission : this.#acquireRequest(req, call);
    return this.#limiter.tryAcquire(request) ?? NOT_NOW;
  }

  /** Everything an attempt may wait for before it leaves: the clock's sync (the first, or one after a step), budget. */
  async #admit(req: Described, call: CallOptions, state: RunState): Promise<Permit | undefined> {
    // The sync goes on for the other calls waiting on it; one whose caller gives up stops waiting, unsent.
    const clock = this.#stampingClock(req, call);
    if (clock) {
      // A caller that has given up starts no sync (the refusal names it, below).
      call.signal?.throwIfAborted();
      // A failed sync fails this call unsent; a ban or pause it met becomes the caller's refusal in `#refused`, next.
      await unlessAborted(clock.ensureSynced(), call.signal).catch((error: unknown) => {
        if (call.signal?.aborted) throw error;
        throw syncFailed(error, { method: req.method, url: req.rawUrl, label: req.label }, state.secrets);
      });
      // Closed while the sync ran: like a call that waited for budget, this one is not sent.
      if (this.#closed) throw closedError(req.label, 'guard', "the clock's sync");
    }
    return await this.#limiter?.acquire(this.#acquireRequest(req, call));
  }

  /** The clock this call's attempt is stamped by: a signed request the plugin signs itself. */
  #stampingClock(req: Described, call: CallOptions): ServerClock | undefined {
    return req.signed && call.credentials?.signer ? this.#clock : undefined;
  }

  #acquireRequest(req: Described, call: CallOptions): AcquireRequest {
    return {
      ...req.cost,
      priority: req.reducesExposure ? 'cancel' : 'normal',
      signal: call.signal,
      maxWaitMs: call.maxWaitMs,
      label: req.label,
    };
  }

  /** Refused before sending (perhaps while the clock's own request waited): the caller's request is the one refused. */
  #refused(error: unknown, req: Described, state: RunState): unknown {
    return refusedBeforeSending(error, { method: req.method, url: req.rawUrl, label: req.label }, state.secrets);
  }

  #send<R>(
    req: Described,
    transport: GuardTransport<R>,
    call: CallOptions,
    number: number,
    purpose: Attempt['purpose'],
    state: RunState,
    permit: Permit | undefined,
    retries = false,
  ): Promise<R> {
    let attempt: Attempt;
    try {
      // A call aborted while it waited is not handed to the client: it stays unsent, and says so.
      call.signal?.throwIfAborted();
      // Stamp and sign after the wait, from the unsigned originals, so a retry never carries two signatures.
      attempt = buildAttempt(req, call, number, purpose, this.#clock, state);
    } catch (error) {
      // The attempt never left: its reservation goes back (a store failing that too is not this call's error).
      if (permit) this.#limiter?.release(permit).catch(() => {});
      return this.#failOver(Promise.reject(error), retries, req, transport, call, state);
    }
    const breaker = this.#breaker;
    // Cancels pass the breaker uncounted; while it is closed, the exchange counts its own outcome (`record`).
    if (!breaker || req.reducesExposure) {
      return this.#exchange(req, transport, call, attempt, permit, state, undefined, retries);
    }
    if (breaker.state === 'closed' && breaker.record) {
      return this.#exchange(req, transport, call, attempt, permit, state, breaker, retries);
    }
    const probe = this.#probe(breaker, req, transport, call, attempt, permit, state);
    return this.#failOver(probe, retries, req, transport, call, state);
  }

  /** An attempt while the breaker is not closed: it may be the half-open probe, or be refused. */
  async #probe<R>(
    breaker: Breaker,
    req: Described,
    transport: GuardTransport<R>,
    call: CallOptions,
    attempt: Attempt,
    permit: Permit | undefined,
    state: RunState,
  ): Promise<R> {
    try {
      return await breaker.run(() => this.#exchange(req, transport, call, attempt, permit, state, undefined));
    } catch (error) {
      if (!(error instanceof BinanceCircuitOpenError)) throw error;
      if (permit) await this.#limiter?.release(permit);
      throw this.#refused(error, req, state);
    }
  }

  /**
   * Sends the attempt and observes its response: resolves with it for a status below 300 (or a redirect the client
   * may follow), rejects with the classified error otherwise. `counted` is the breaker that counts the outcome here.
   *
   * Written as a chain of steps rather than one async function: a call holds this state across its whole round
   * trip, and an async function's frame is several times the size of the two callbacks below.
   */
  #exchange<R>(
    req: Described,
    transport: GuardTransport<R>,
    call: CallOptions,
    attempt: Attempt,
    permit: Permit | undefined,
    state: RunState,
    counted: Breaker | undefined,
    retries = false,
  ): Promise<R> {
    state.sent = true;
    return sendThrough(transport, attempt).then(
      (response) => {
        const judged = this.#received(req, transport, attempt, response, permit, state, counted);
        // A verdict still to come (a failure, an asynchronous read or store) may fail: only then is a promise added.
        return judged instanceof Promise ? this.#failOver(judged, retries, req, transport, call, state) : judged;
      },
      (error: unknown) =>
        this.#failOver(this.#unanswered(error, permit, counted), retries, req, transport, call, state),
    );
  }

  /** The attempt's response came: read it, then settle and judge it. */
  #received<R>(
    req: Described,
    transport: GuardTransport<R>,
    attempt: Attempt,
    response: R,
    permit: Permit | undefined,
    state: RunState,
    counted: Breaker | undefined,
  ): R | Promise<R> {
    let read: ResponseView | Promise<ResponseView>;
    try {
      // The body of a success is read where it matters: the limits it teaches, an order's outcome.
      read = transport.read(response, req.exchangeInfo || req.mayChangeOrders);
    } catch (error) {
      return this.#failed(error, counted);
    }
    if (!(read instanceof Promise)) return this.#judged(req, attempt, response, read, permit, state, counted);
    return this.#judgedOnceRead(req, attempt, response, read, permit, state, counted);
  }

  /** {@link #judged} once a read that did not end at once has (see {@link #sendAdmitted} for why apart). */
  #judgedOnceRead<R>(
    req: Described,
    attempt: Attempt,
    response: R,
    read: Promise<ResponseView>,
    permit: Permit | undefined,
    state: RunState,
    counted: Breaker | undefined,
  ): Promise<R> {
    return read.then(
      (view) => this.#judged(req, attempt, response, view, permit, state, counted),
      (error: unknown) => this.#failed(error, counted),
    );
  }

  /** Settles the attempt's reservation with what the response says, then resolves or rejects with its verdict. */
  #judged<R>(
    req: Described,
    attempt: Attempt,
    response: R,
    view: ResponseView,
    permit: Permit | undefined,
    state: RunState,
    counted: Breaker | undefined,
  ): R | Promise<R> {
    try {
      // The view is the outcome: a call free on success already has a permit that refunds it (`weightOnSuccess` 0).
      const outcome = req.usageHeaderTrusted ? view : { status: view.status };
      const settled = permit ? this.#limiter?.settleNow(permit, outcome) : undefined;
      if (settled) return this.#verdictOnceSettled(settled, req, attempt, response, view, state, counted);
      return this.#verdict(req, attempt, response, view, state, counted);
    } catch (error) {
      return this.#failed(error, counted);
    }
  }

  /** {@link #verdict} once an asynchronous store has settled the attempt's reservation. */
  #verdictOnceSettled<R>(
    settled: Promise<void>,
    req: Described,
    attempt: Attempt,
    response: R,
    view: ResponseView,
    state: RunState,
    counted: Breaker | undefined,
  ): Promise<R> {
    return settled.then(
      () => this.#verdict(req, attempt, response, view, state, counted),
      (error: unknown) => this.#failed(error, counted),
    );
  }

  /** The response itself for a success; for a failure, a rejection once a ban or pause it brings is in place. */
  #verdict<R>(
    req: Described,
    attempt: Attempt,
    response: R,
    view: ResponseView,
    state: RunState,
    counted: Breaker | undefined,
  ): R | Promise<R> {
    const err = this.#failureOf(req, attempt, view, state);
    if (err === undefined) {
      if (counted) counted.record!(false);
      return response;
    }
    return this.#rejected(err, view, counted);
  }

  /** Rejects with `err` once a ban or pause it brings is in place and the breaker has counted it. */
  #rejected(err: BinanceError, view: ResponseView, counted: Breaker | undefined): Promise<never> {
    return this.#obey(err, view).then(
      () => this.#failed(err, counted),
      (error: unknown) => this.#failed(error, counted),
    );
  }

  /** No response came: the reservation is settled as failed (a store's own failure then wins), and counted. */
  async #unanswered(error: unknown, permit: Permit | undefined, counted: Breaker | undefined): Promise<never> {
    let failure = error;
    try {
      if (permit) await this.#limiter?.settle(permit, { success: false });
    } catch (storeError) {
      failure = storeError;
    }
    return await this.#failed(failure, counted);
  }

  /** Rejects with `error` once the breaker that counts this attempt, if any, has counted it as failed. */
  async #failed(error: unknown, counted: Breaker | undefined): Promise<never> {
    if (counted) await counted.record!(true, error);
    throw error;
  }

  /** What a response means: `undefined` for a success, else the error to reject with (a redirect, a Binance error). */
  #failureOf(req: Described, attempt: Attempt, view: ResponseView, state: RunState): BinanceError | undefined {
    // Nearly every answer: a success whose body the guard does not read. The rest is a function of its own, so that
    // this check is small enough for V8 to compile into its caller's code.
    if (view.status < 300 && !req.exchangeInfo && !req.mayChangeOrders) return undefined;
    return this.#failureOfOther(req, attempt, view, state);
  }

  /** {@link #failureOf} of a redirect, an error, and a success whose body the guard reads. */
  #failureOfOther(req: Described, attempt: Attempt, view: ResponseView, state: RunState): BinanceError | undefined {
    if (view.status >= 300 && view.status < 400 && attempt.redirect === 'error') {
      const { method, url } = attempt;
      return redirectError({
        method,
        label: req.label,
        url,
        status: view.status,
        headers: view.headers,
        secrets: state.secrets,
      });
    }
    const success = view.status < 400;
    // Read (decompressed) once, where it matters: nearly every success ends here with its body unread.
    const body = success && !req.exchangeInfo && !req.mayChangeOrders ? undefined : decodedBody(view);
    if (success) {
      if (req.exchangeInfo) this.#learn(body);
      // A success for a request that may have changed an order says what it did. One whose body says nothing of it
      // (a proxy garbled or cut it, or answered a page or `null`) leaves the outcome unknown: the ledger then holds
      // the order, as after a 5xx.
      if (view.status >= 300 || !req.mayChangeOrders || !saysNothing(body, req.placement)) return undefined;
    }
    return classify({
      status: view.status,
      headers: view.headers as Record<string, string>,
      body,
      request: { method: attempt.method, url: attempt.url },
      secrets: state.secrets,
      docsBaseUrl: this.#docsBaseUrl,
      product: this.profile.product,
    });
  }

  /** A 418 bans and a 429 pauses every request on this guard, whichever request (the caller's, the clock's) got it. */
  async #obey(err: BinanceError, view: ResponseView): Promise<void> {
    if (err.category === 'ip-ban' && this.#limiter) {
      // The message's "banned until" is the server's own clock, to the ms; Retry-After is rounded up to seconds. The
      // limiter reads the guard's clock, which is the server's only once synced. Until then, Retry-After: a wait no
      // skew moves, where "until" less the host's time is off by the host's error (an hour behind, a 2 s ban is
      // an hour long).
      const until = this.#clock?.synced ? err.bannedUntil : undefined;
      const header = until ? undefined : headerValue(view.headers, 'retry-after', 'Retry-After');
      const told = typeof header === 'string' ? parseRetryAfter(header, Date.now()) : undefined;
      await this.#limiter.ban(
        until ? { untilServerMs: until.getTime() } : { retryAfterMs: told ?? err.retryAfterMs ?? 120_000 },
      );
    } else if (err.category === 'rate-limit' && this.#limiter && view.status === 429) {
      await this.#limiter.penalize({ retryAfterMs: err.retryAfterMs ?? 1000 });
    }
  }

  /** The request as the guard reads it; an endpoint the table does not know is reported. */
  #describe(request: GuardRequest, call: CallOptions): Described {
    const req = this.#reader.describe(request, call);
    if (!req.cost.known) this.#unknownEndpoint.emit({ method: req.method, path: req.path, weight: req.cost.weight });
    return req;
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
      // A failure before any attempt left (a rate store's, a signer's) cannot have executed anything.
      sent: state.sent,
      secrets: state.secrets,
      docsBaseUrl: this.#docsBaseUrl,
      product: this.profile.product,
    });
  }

  #retryPolicy(call: CallOptions): RetryPolicy {
    return {
      clock: this.#clock !== undefined,
      limiter: this.#limiter !== undefined,
      maxWaitMs: this.#maxWaitMs(call),
      readRetries: this.#readRetries,
      baseDelayMs: this.#baseDelayMs,
      maxDelayMs: this.#maxDelayMs,
    };
  }

  /** The longest wait for budget `call` accepts, ms. */
  #maxWaitMs(call: CallOptions): number {
    return call.maxWaitMs ?? this.#limiter?.maxWaitMs ?? 30_000;
  }

  /** The breaker's refusal; `refusedBeforeSending` names the request and gives it Binance's answer. */
  #circuitOpen(): BinanceCircuitOpenError {
    return new BinanceCircuitOpenError({
      message: 'Binance circuit breaker is open after -1008 overloads; the request was not sent.',
      retryAfterMs: this.#breaker?.retryAfterMs() ?? 0,
    });
  }

  #learn(body: unknown): void {
    const limits = (parsedBody(body) as { rateLimits?: unknown } | undefined)?.rateLimits;
    if (Array.isArray(limits) && limits.length > 0) this.#limiter?.learn(limits as RateLimit[]);
  }

  async #fetchServerTime(signal?: AbortSignal): Promise<number> {
    const transport = this.#timeTransport;
    if (!transport) throw new Error('The clock cannot sync before a request has gone through the guard.');
    const time = endpointParts(this.profile.special.time);
    const req = this.#describe({ method: time.method, url: `${this.#timeBase ?? this.origin}${time.path}` }, {});
    // Time samples skip the breaker: they are cheap, and a resync must work while it probes. They go ahead of queued
    // requests, as cancels do: signed calls wait for the sync, a cancel too, and a backlog of reads would hold it.
    const permit = this.#limiter
      ? await this.#limiter.acquire({ ...req.cost, label: req.label, signal, priority: 'cancel' })
      : undefined;
    // A sample this slow is of no use to the clock, and a sync that waited for ever would hold every signed call
    // of a client without a timeout of its own (axios and got have none by default).
    const limit = AbortSignal.timeout(TIME_SAMPLE_LIMIT_MS);
    const attempt = buildAttempt(
      req,
      { signal: signal ? AbortSignal.any([signal, limit]) : limit },
      1,
      'time',
      this.#clock,
    );
    const request = { method: req.method, url: req.rawUrl };
    const response = await sendThrough(transport, attempt).catch(async (error: unknown) => {
      if (permit) await this.#limiter?.settle(permit, { success: false });
      if (isBinanceError(error)) throw error;
      // Past the limit, clients report their own abort (axios a CanceledError): the limit's TimeoutError says why.
      throw classify({ error: limit.aborted ? limit.reason : error, request, product: this.profile.product });
    });
    const view = await transport.read(response, true);
    if (permit) await this.#limiter?.settle(permit, { status: view.status, headers: view.headers });
    const body = decodedBody(view);
    const serverTime = plausibleTime((parsedBody(body) as { serverTime?: unknown } | undefined)?.serverTime);
    if (view.status >= 400 || serverTime === undefined) {
      const err = classify({
        status: view.status,
        headers: view.headers as Record<string, string>,
        body,
        request,
        product: this.profile.product,
      });
      await this.#obey(err, view);
      throw err;
    }
    return serverTime;
  }

  /** Looks the order placement `req` up by its client order id through the profile's order lookup endpoint. */
  #reconcile<R>(req: Described, transport: GuardTransport<R>, call: CallOptions, original: BinanceError): Promise<R> {
    let lookup: Described | undefined;
    return reconcile(req, original, {
      lookUp: (query) => {
        if (!lookup) {
          const { method, path } = endpointParts(this.profile.special.orderLookup);
          lookup = this.#describe({ method, url: `${req.base}${path}?${query}` }, { signed: true });
        }
        const described = lookup;
        return this.#attempt(described, transport, call, 1, 'reconcile').catch((error: unknown) => {
          throw this.#toBinanceError(error, described, call);
        });
      },
      // Without a clock, the exchange's time as the order was stamped with it, gone on by the steady clock: a step of
      // the wall clock since must not end its recvWindow early.
      serverNow: this.#clock ? () => this.#clock!.now() : () => steadyNow() + (req.stampOffset ?? 0),
      uncertaintyMs: this.#clock?.uncertaintyMs ?? 0,
      maxWaitMs: this.#maxWaitMs(call),
      signal: call.signal,
    });
  }
}

// What `instanceof BinanceGuard` looks for in any copy of the package.
Object.defineProperty(BinanceGuard.prototype, MARK, { value: true });

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

function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    throw new TypeError(
      `origin must be an absolute URL such as https://api.binance.com, got ${JSON.stringify(origin)}`,
    );
  }
}

/**
 * A server time in ms, from ms or µs (a client that asks for `X-MBX-TIME-UNIT: MICROSECOND` gets µs); `undefined`
 * for anything else or outside 2017–2100, which a proxy or a broken server sent (0 would set the clock to 1970).
 */
function plausibleTime(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const ms = value >= 1e14 ? value / 1000 : value;
  return ms >= 1_483_228_800_000 && ms < 4_102_444_800_000 ? ms : undefined;
}

/**
 * Whether an order request's success body says nothing of what it did: not JSON, or JSON that is not an object (an
 * array passes where several orders answer, a batch or a cancel-all, but not for a placement).
 */
function saysNothing(body: unknown, placement: boolean): boolean {
  const parsed = parsedBody(body);
  return typeof parsed !== 'object' || parsed === null || (placement && Array.isArray(parsed));
}

/** A body as JSON: text or bytes parsed (`undefined` when not JSON), anything else as the client parsed it. */
function parsedBody(body: unknown): unknown {
  const text = textOf(body);
  return text === undefined ? body : parsedText(text);
}

/** A body handed over as text or bytes, as text; `undefined` for one the client parsed (or left unread). */
function textOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString();
  if (body instanceof ArrayBuffer) return Buffer.from(body).toString();
  return undefined;
}

function parsedText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `transport.send(attempt)`, with an error it throws at once turned into the rejection it stands for. */
function sendThrough<R>(transport: GuardTransport<R>, attempt: Attempt): Promise<R> {
  try {
    return transport.send(attempt);
  } catch (error) {
    return Promise.reject(error);
  }
}
