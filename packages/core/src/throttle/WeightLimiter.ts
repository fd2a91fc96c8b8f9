import { performance } from 'node:perf_hooks';
import { Listeners } from '../common/Listeners.ts';
import { show } from '../common/show.ts';
import type { RateLimit } from '../errors/types.ts';
import type { ApiProfile } from '../profiles/ApiProfile.ts';
import { spot } from '../profiles/spot.ts';
import { clampServerWait, MAX_SERVER_WAIT_MS } from '../time/limits.ts';
import { normalizePath } from '../weights/normalizePath.ts';
import type { EndpointLimit } from '../weights/types.ts';
import { answeredBy } from './answeredBy.ts';
import { budgetScope, checkBudgetLimits, ownLimitScope } from './budgetScopes.ts';
import { type Charge, chargesFor, settleCharges } from './Charge.ts';
import { EdgeGuard } from './EdgeGuard.ts';
import { GrantedPermit } from './GrantedPermit.ts';
import { Lane, LanePermit } from './Lane.ts';
import { MemoryRateStore } from './MemoryRateStore.ts';
import type { RateStore, RateStoreState } from './RateStore.ts';
import { amountFor, type Claim, resolveLimits, type Slot, type SlotScope } from './Slot.ts';
import { abortError, banError, closedError, safeLabel, tooHeavyError, waitTooLongError } from './throttleErrors.ts';
import type {
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
} from './types.ts';
import { type ServeResult, Waiter, WaitQueue } from './WaitQueue.ts';
import { windowStart } from './windows.ts';

const RESOLVED = Promise.resolve();
/**
 * Paths whose budget is remembered, and frozen acquire requests whose lane is; a process talks to a few dozen
 * endpoints, so a full cache starts again.
 */
const MAX_REMEMBERED = 512;

const STORE_METHODS = ['reserve', 'settle', 'release', 'setPause', 'setBan', 'getState'] as const;

const defaultTimers: ThrottleTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Keeps one IP within Binance's request-weight, order-count and raw-request limits, before the server has to
 * answer 429.
 *
 * - Fixed windows aligned to the server clock, one counter per limit (not sliding, not local time).
 * - A request is charged to every window it may be counted in: the server counts it when it *arrives*, which is up
 *   to `edgeGuardMs` after release and up to `earlyGuardMs` before (clock error). Near a boundary that is two
 *   windows; it is released only when both have room. Unless set, `edgeGuardMs` follows the measured round trips
 *   (see {@link WeightLimiter.edgeGuardMs}), so a machine under load widens it and a fast link narrows it.
 * - A request may still leave the process later than that (a burst behind a connection pool or a busy event loop):
 *   until it is answered it counts in the next window too, and one answered after its window's end stays counted
 *   there (see `RateStore`), unless the answer's `Date` names a second before that end.
 * - In-flight reservations count. Responses reconcile with `X-MBX-USED-WEIGHT-*` / `X-MBX-ORDER-COUNT-*`: a
 *   higher server count (others on the IP) raises the local one; a lower or older one never lowers it.
 * - Waiting requests queue in order; `priority: 'cancel'` goes first. A request only waits behind those that need
 *   the same exhausted limit, so market-data reads keep flowing while the 10 s order limit is spent.
 * - `penalize()` (429) pauses everything; `ban()` (418) fails everything fast until it ends.
 * - Per API (`profile`): its budgets are counted apart (Spot's `/sapi/` never draws on the `/api/` budget), each
 *   reconciled from its own headers; ORDERS limits are charged per interval (`ordersByInterval`); an endpoint's
 *   own limit (`ownLimit`) is a budget of its own.
 *
 * @example
 * ```ts
 * const limiter = new WeightLimiter({ serverNow: () => clock.now() });
 * const { weight, orders, weightOnSuccess } = weightOf('POST', '/api/v3/order');
 * const permit = await limiter.acquire({ weight, orders, weightOnSuccess, label: 'POST /api/v3/order' });
 * const res = await fetch(url, init);
 * await limiter.settle(permit, { status: res.status, headers: res.headers });
 *
 * // USDⓈ-M Futures: the profile's limits and headers; weightOf's result goes in whole (path, per-interval orders).
 * const futures = new WeightLimiter({ profile: usdm, serverNow: () => clock.now() });
 * const cost = weightOf('POST', '/fapi/v1/batchOrders', params, usdm.endpoints);
 * const batch = await futures.acquire({ ...cost, label: 'POST /fapi/v1/batchOrders' });
 * ```
 */
export class WeightLimiter {
  /** Longest a request waits for budget by default, in ms (the `maxWaitMs` option). */
  readonly maxWaitMs: number;
  /** Fraction of each limit this limiter uses (the `safety` option). */
  readonly safety: number;
  /** The API whose limits this limiter keeps (the `profile` option). */
  readonly profile: ApiProfile;
  readonly #store: RateStore;
  readonly #now: () => number;
  readonly #timers: ThrottleTimers;
  readonly #intervalScale: number;
  readonly #edge: EdgeGuard;
  readonly #monoNow: () => number;
  readonly #earlyMs: number;
  readonly #configured: readonly ThrottleLimit[];
  readonly #mainScope: SlotScope;
  readonly #budgets = new Map<string, string>();
  /** The lane of each frozen acquire request seen, for as long as the slots stay the same. */
  readonly #lanes = new Map<AcquireRequest, Lane>();
  /** The store, when it is the memory store: only then are requests granted in lanes. */
  readonly #memory: MemoryRateStore | undefined;
  /** Every slot: the main budget's (which `learn()` replaces), the other budgets', then endpoints' own limits. */
  #slots: Slot[];
  #mainSlots: Slot[];
  readonly #budgetSlots: Slot[];
  readonly #ownSlots = new Map<string, Slot>();
  readonly #queue: WaitQueue;
  #pausedUntil = 0;
  #bannedUntil = 0;
  /** Counts {@link clockStepped} steps taken: a store's answer from before the latest one is on the old reading. */
  #steps = 0;
  #lastState: RateStoreState | undefined;

  readonly #waitListeners = new Listeners<ThrottleWaitEvent>();
  readonly #rateLimitListeners = new Listeners<ThrottleRateLimitEvent>();
  readonly #banListeners = new Listeners<ThrottleBanEvent>();

  constructor(options: WeightLimiterOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`WeightLimiter options must be an object, got ${show(options)}`);
    }
    this.maxWaitMs = nonNegative(options.maxWaitMs, 'maxWaitMs', 30_000, true);
    this.safety = options.safety ?? 0.98;
    if (typeof this.safety !== 'number' || !(this.safety > 0 && this.safety <= 1)) {
      throw new RangeError(`safety must be a number in (0, 1], got ${show(options.safety)}`);
    }
    this.#intervalScale = options.intervalScale ?? 1;
    if (
      typeof this.#intervalScale !== 'number' ||
      !(this.#intervalScale > 0) ||
      !Number.isFinite(this.#intervalScale)
    ) {
      throw new RangeError(`intervalScale must be a positive number, got ${show(options.intervalScale)}`);
    }
    this.#edge = new EdgeGuard(
      options.edgeGuardMs === undefined ? undefined : nonNegative(options.edgeGuardMs, 'edgeGuardMs', 0, false),
    );
    this.#earlyMs = nonNegative(options.earlyGuardMs, 'earlyGuardMs', 100, false);
    if (options.serverNow !== undefined && typeof options.serverNow !== 'function') {
      throw new TypeError(`serverNow must be a function returning server-clock ms, got ${show(options.serverNow)}`);
    }
    this.#now = options.serverNow ?? (() => Date.now());
    if (options.monoNow !== undefined && typeof options.monoNow !== 'function') {
      throw new TypeError(`monoNow must be a function returning monotonic ms, got ${show(options.monoNow)}`);
    }
    // `performance` from node:perf_hooks: the global one is an accessor, a getter call on every read.
    this.#monoNow = options.monoNow ?? (() => performance.now());
    const timers = options.timers;
    if (
      timers !== undefined &&
      (timers === null || typeof timers.setTimeout !== 'function' || typeof timers.clearTimeout !== 'function')
    ) {
      throw new TypeError(`timers must have setTimeout and clearTimeout functions, got ${show(timers)}`);
    }
    this.#timers = timers ?? defaultTimers;
    const store = options.store;
    if (store !== undefined && (store === null || STORE_METHODS.some((m) => typeof store[m] !== 'function'))) {
      throw new TypeError(`store must implement RateStore, got ${show(store)}`);
    }
    this.#store = store ?? new MemoryRateStore();
    this.#memory = this.#store instanceof MemoryRateStore ? this.#store : undefined;
    const profile = options.profile ?? spot;
    if (profile === null || typeof profile !== 'object' || !Array.isArray(profile.budgets)) {
      throw new TypeError(
        `profile must be an ApiProfile (a profile core exports, or one from defineProfile), got ${show(profile)}`,
      );
    }
    this.profile = profile;
    const [main, ...others] = profile.budgets;
    const limits = options.limits ?? main.limits;
    if (!Array.isArray(limits)) throw new TypeError(`limits must be an array of rate limits, got ${show(limits)}`);
    this.#configured = limits;
    this.#mainScope = budgetScope(profile, main);
    this.#mainSlots = this.#resolve(limits, this.#mainScope, true, 'limits', limits);
    const budgetLimits = checkBudgetLimits(options.budgetLimits, others);
    this.#budgetSlots = others.flatMap((budget) => {
      const given = budgetLimits?.[budget.name];
      if (given !== undefined && !Array.isArray(given)) {
        throw new TypeError(`budgetLimits.${budget.name} must be an array of rate limits, got ${show(given)}`);
      }
      const own = given ?? budget.limits;
      return this.#resolve(own, budgetScope(profile, budget), true, `budgetLimits.${budget.name}`, own);
    });
    this.#slots = [...this.#mainSlots, ...this.#budgetSlots];
    this.#queue = new WaitQueue(
      {
        timers: this.#timers,
        now: () => this.#now(),
        serve: (w, isCancel) => this.#serve(w, isCancel),
        pauseResumeAt: () => this.#pausedUntil + this.#earlyMs,
      },
      this.#slots.length,
    );
  }

  /**
   * Waits until every limit has room for the request, then reserves it and resolves with a {@link Permit}.
   * Rejects at once — nothing reserved, nothing to send — with `BinanceThrottleError` when the wait would exceed
   * `maxWaitMs` or the request is heavier than a whole limit, `BinanceIpBanError` during a ban, and
   * `BinanceAbortError` when `signal` aborts.
   *
   * The guard passes `weightOf()`'s result as it is — `{ ...weightOf(method, path, params, profile.endpoints),
   * priority, signal, label }` — so `path`, `ordersByInterval` and `ownLimit` pick the budget, the per-interval
   * order counts and the endpoint's own limit.
   */
  acquire(request: AcquireRequest): Promise<Permit> {
    const permit = this.tryAcquire(request);
    return permit === undefined ? this.#acquire(request) : Promise.resolve(permit);
  }

  /**
   * {@link acquire} without the promise, for a request that can go at once: with a synchronous store (the memory
   * store), nobody queued ahead, no pause or ban, and room in every limit, it is reserved and its permit returned.
   * Otherwise nothing is reserved and it returns `undefined` — call `acquire`, which waits, or rejects with the
   * reason (a bad field, a ban, an aborted signal, a request heavier than a limit).
   */
  tryAcquire(request: AcquireRequest): Permit | undefined {
    const store = this.#store;
    if (store.reserveSync === undefined || request.signal?.aborted) return undefined;
    if (this.#memory !== undefined) {
      const granted = this.#grantInLane(request, this.#memory);
      if (granted !== undefined) return granted;
    }
    const claim = this.#claimIfValid(request);
    if (claim === undefined) return undefined;
    const t = this.#now();
    if (t - this.#earlyMs < this.#bannedUntil) return undefined;
    // A request heavier than a whole limit finds no room here either; `acquire` tells it so.
    try {
      return this.#grantNow(request, claim, t);
    } catch {
      return undefined;
    }
  }

  #acquire(request: AcquireRequest): Promise<Permit> {
    let claim: Claim;
    try {
      claim = this.#checkedClaim(request);
    } catch (error) {
      return Promise.reject(error);
    }
    const { label, signal } = request;
    if (signal?.aborted) return Promise.reject(abortError(label, signal));
    const t = this.#now();
    if (t - this.#earlyMs < this.#bannedUntil) return Promise.reject(this.#banError(t, label));
    for (const slot of this.#slots) {
      const amount = amountFor(slot, claim);
      if (amount > slot.capacity) return Promise.reject(this.#tooHeavy(slot, amount, label));
    }
    const waiter = new Waiter(request, claim, t, request.maxWaitMs ?? this.maxWaitMs);
    return new Promise<Permit>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
      if (signal !== undefined) {
        waiter.onAbort = () => {
          if (!waiter.pending) return;
          this.#queue.fail(waiter, abortError(label, signal));
          // It may have been the request others queued behind.
          this.#queue.capacityChanged();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#queue.add(waiter, request.priority === 'cancel');
    });
  }

  /**
   * Records a response: moves the permit's reservation from in flight to used, refunds the weight of a successful
   * call that is free (`weightOnSuccess`, or `refundOnSuccess`), and reconciles with the usage headers of the
   * budget the request was charged to. A header is applied only to the window the request certainly landed in;
   * one from a request that may have crossed a window boundary is ignored rather than guessed. Settling twice, or
   * a permit of another limiter, does nothing.
   */
  settle(permit: Permit, outcome: SettleOutcome = {}): Promise<void> {
    try {
      return this.settleNow(permit, outcome) ?? RESOLVED;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * {@link settle}, done synchronously where the store is synchronous: then it returns `undefined` (and throws
   * what the store throws), and the promise of the store's step otherwise.
   */
  settleNow(permit: Permit, outcome: SettleOutcome = {}): Promise<void> | undefined {
    const p = this.#own(permit);
    if (p === undefined) return undefined;
    p.done = true;
    const status = outcome.status;
    const success = outcome.success ?? (status !== undefined && status >= 200 && status < 300);
    const onSuccess = !success ? undefined : outcome.refundOnSuccess === true ? 0 : p.weightOnSuccess;
    // A response came back: its round trip is what the edge guard is derived from.
    if (status !== undefined) this.#edge.observe(this.#monoNow() - p.grantedMono);
    // The request reached the server after its release and before its response came back, give or take the clock's
    // error: usually within the edge guard, but a burst leaves the process late, behind a pool or a busy loop.
    let arrivedBy = this.#now() + this.#earlyMs;
    const headers = outcome.headers;
    // Past a window's end, the server's own `Date` may still place the request before it, without the clock's error.
    if (headers !== undefined && reachesAnEnd(p, arrivedBy)) {
      const answered = answeredBy(headers);
      // A date before the release is a stale or wrong one, and says nothing.
      if (answered !== undefined && answered < arrivedBy && answered >= p.grantedAt - this.#earlyMs) {
        arrivedBy = answered;
      }
    }
    if (p instanceof LanePermit) {
      p.settle(onSuccess, headers, arrivedBy);
      this.#queue.capacityChanged();
      return undefined;
    }
    return this.#settleCharges(p, onSuccess, headers, arrivedBy);
  }

  /** {@link settleNow} of a permit granted through the store's general entry. */
  #settleCharges(
    p: GrantedPermit,
    onSuccess: number | undefined,
    headers: unknown,
    arrivedBy: number,
  ): Promise<void> | undefined {
    const lo = p.grantedAt - this.#earlyMs;
    // A clock that stepped back since the release: the span as the release saw it.
    const hi = arrivedBy < lo ? p.grantedAt + p.edgeGuardMs : arrivedBy;
    settleCharges(p.charges, lo, hi, onSuccess, headers);
    const store = this.#store;
    if (store.settleSync === undefined) return store.settle(p.charges).then(() => this.#queue.capacityChanged());
    store.settleSync(p.charges);
    this.#queue.capacityChanged();
    return undefined;
  }

  /** Returns a permit whose request was never sent (it failed before leaving this process). */
  release(permit: Permit): Promise<void> {
    const p = this.#own(permit);
    if (p === undefined) return Promise.resolve();
    p.done = true;
    if (p instanceof LanePermit) return this.#syncStep(() => p.release());
    const store = this.#store;
    if (store.releaseSync !== undefined) return this.#syncStep(() => store.releaseSync!(p.charges));
    return store.release(p.charges).then(() => this.#queue.capacityChanged());
  }

  /**
   * A 429: nothing is sent until `retryAfterMs` from now (or until `untilServerMs`). Every waiter and every new
   * request waits; those whose `maxWaitMs` ends sooner fail at once. Without either value, the pause lasts until
   * the current request-weight window ends.
   */
  penalize(options: { retryAfterMs?: number | undefined; untilServerMs?: number | undefined } = {}): Promise<void> {
    const t = this.#now();
    const until = this.#untilOf(options, 'penalize', t) ?? this.#defaultPauseEnd(t);
    if (until > this.#pausedUntil) this.#pausedUntil = until;
    if (this.#rateLimitListeners.size > 0) {
      this.#rateLimitListeners.emit({
        source: 'server',
        label: undefined,
        retryAfterMs: Math.max(0, until - t),
        pausedUntil: this.#pausedUntil,
        limit: undefined,
      });
    }
    const stored = this.#store.setPause(this.#pausedUntil, t - this.#earlyMs);
    this.#queue.capacityChanged();
    return stored;
  }

  /**
   * A 418: the IP is banned until `untilServerMs` (or for `retryAfterMs`). Every waiting and new request fails
   * with `BinanceIpBanError` until then; nothing is sent.
   */
  ban(options: { untilServerMs?: number | undefined; retryAfterMs?: number | undefined }): Promise<void> {
    const t = this.#now();
    const until = this.#untilOf(options ?? {}, 'ban', t);
    if (until === undefined) throw new TypeError('ban: give untilServerMs or retryAfterMs');
    if (until > this.#bannedUntil) this.#bannedUntil = until;
    if (this.#banListeners.size > 0) {
      this.#banListeners.emit({
        bannedUntil: this.#bannedUntil,
        retryAfterMs: Math.max(0, this.#bannedUntil - t),
      });
    }
    this.#failAllBanned(t);
    return this.#store.setBan(this.#bannedUntil, t - this.#earlyMs);
  }

  /**
   * The clock `serverNow` reads has moved by `stepMs` at once (negative: back) — the guard passes its ServerClock's
   * steps: the first sync of a host clock that was off, a suspend and the resync after it. Everything the limiter
   * holds on that clock is moved with it, so it keeps its meaning: a pause or ban ends, and a waiting request gives
   * up (`maxWaitMs`), as long from now as before; the memory store's windows are carried to the new reading (see
   * `MemoryRateStore.shift`). A shared store keeps its windows: other processes did not step, the pause and ban it
   * holds are the time they have left, and the server's next usage count reconciles the rest. Steps within
   * `earlyGuardMs` are the usual corrections of a resync, which the margins absorb: they change nothing.
   */
  clockStepped(stepMs: number): void {
    if (!Number.isFinite(stepMs) || Math.abs(stepMs) <= this.#earlyMs) return;
    this.#steps++;
    if (this.#pausedUntil !== 0) this.#pausedUntil += stepMs;
    if (this.#bannedUntil !== 0) this.#bannedUntil += stepMs;
    this.#queue.shift(stepMs);
    this.#memory?.shift(stepMs);
    this.#queue.capacityChanged();
  }

  /**
   * Replaces the main budget's limits with those of an exchangeInfo response (`rateLimits`), Spot's or USDⓈ-M
   * Futures'. Usage carries over for every limit with the same type and interval; the other budgets and the
   * endpoints' own limits stay. Entries this limiter does not know (e.g. the WebSocket API's `CONNECTIONS`) or
   * that are malformed are skipped; returns `false` and changes nothing when no entry is usable.
   */
  learn(rateLimits: readonly RateLimit[]): boolean {
    if (!Array.isArray(rateLimits)) return false;
    const learnt = this.#resolve(rateLimits, this.#mainScope, false, 'rateLimits', this.#configured);
    if (learnt.length === 0) return false;
    this.#mainSlots = learnt;
    this.#setSlots();
    this.#queue.forEachPending((w) => {
      for (const slot of learnt) {
        const amount = amountFor(slot, w.claim);
        if (amount > slot.capacity) {
          this.#queue.fail(w, this.#tooHeavy(slot, amount, w.label));
          break;
        }
      }
    });
    this.#queue.capacityChanged();
    return true;
  }

  /** Current usage per limit, pause, ban and queue length. Fresh with the in-memory store; see `fetchSnapshot`. */
  snapshot(): ThrottleSnapshot {
    const t = this.#now();
    const state = this.#store.peekState?.(t) ?? this.#lastState;
    if (this.#store.peekState === undefined) {
      void this.#store.getState(t).then(
        (fresh) => {
          this.#lastState = fresh;
        },
        () => undefined,
      );
    }
    return this.#buildSnapshot(t, state);
  }

  /** Like {@link snapshot}, reading the store (one round trip for a shared store). */
  async fetchSnapshot(): Promise<ThrottleSnapshot> {
    const t = this.#now();
    this.#lastState = await this.#store.getState(t);
    return this.#buildSnapshot(t, this.#lastState);
  }

  /**
   * How long after release a request may still be counted by the server, in ms: a request released this close to
   * a window's end is charged to both windows. The `edgeGuardMs` option when set; otherwise derived from the round
   * trips of settled requests and of {@link observeLatency}: `1.5 × p99 + 1` ms of the last 256, between 50 ms
   * and 5 s, and 500 ms (or more, on a slower link) until 16 are known.
   */
  get edgeGuardMs(): number {
    return this.#edge.ms;
  }

  /**
   * Adds a round trip measured outside the limiter, in ms — the guard passes its ServerClock's `/time` samples — to
   * those the edge guard is derived from. Does nothing when `edgeGuardMs` was set, or for a value that is not a
   * finite, non-negative number.
   */
  observeLatency(rttMs: number): void {
    this.#edge.observe(rttMs);
  }

  /** Calls `listener` whenever a request has to wait. Returns the unsubscribe function. */
  onWait(listener: (event: ThrottleWaitEvent) => void): () => void {
    return this.#waitListeners.on(listener);
  }

  /** Calls `listener` on a 429 pause and on every local refusal (`maxWaitMs`, too heavy). Returns the unsubscribe function. */
  onRateLimit(listener: (event: ThrottleRateLimitEvent) => void): () => void {
    return this.#rateLimitListeners.on(listener);
  }

  /** Calls `listener` on a 418 ban. Returns the unsubscribe function. */
  onBan(listener: (event: ThrottleBanEvent) => void): () => void {
    return this.#banListeners.on(listener);
  }

  /** Rejects every waiting request with `BinanceAbortError` and stops the timer. Permits already granted stay valid. */
  close(): void {
    this.#queue.stop();
    this.#queue.failAll((w) => closedError(w.label));
  }

  // --- internals -------------------------------------------------------------------------------------------

  #resolve(
    limits: readonly ThrottleLimit[],
    scope: SlotScope,
    strict: boolean,
    where: string,
    configured: readonly ThrottleLimit[],
  ): Slot[] {
    return resolveLimits(limits, scope, {
      strict,
      safety: this.safety,
      intervalScale: this.#intervalScale,
      configured,
      where,
    });
  }

  #setSlots(): void {
    this.#slots = [...this.#mainSlots, ...this.#budgetSlots, ...this.#ownSlots.values()];
    this.#lanes.clear();
    this.#queue.resetBlocks(this.#slots.length);
  }

  /** `#checkedClaim`, or `undefined` for a request with a bad field (the paths that grant without waiting). */
  #claimIfValid(request: AcquireRequest): Claim | undefined {
    try {
      return this.#checkedClaim(request);
    } catch {
      return undefined;
    }
  }

  /** `#claimOf`, with the request's own `maxWaitMs` checked too; throws naming a bad field. */
  #checkedClaim(request: AcquireRequest): Claim {
    const claim = this.#claimOf(request);
    const { maxWaitMs } = request;
    if (maxWaitMs !== undefined && (typeof maxWaitMs !== 'number' || !(maxWaitMs >= 0))) {
      throw new RangeError(`acquire: maxWaitMs must be a non-negative number of ms, got ${show(maxWaitMs)}`);
    }
    return claim;
  }

  /** The request as the slots charge it; throws a RangeError/TypeError naming a bad field. */
  #claimOf(request: AcquireRequest): Claim {
    const weight = request?.weight;
    const orders = request?.orders ?? 0;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new RangeError(`acquire: weight must be a non-negative number, got ${show(weight)}`);
    }
    if (typeof orders !== 'number' || !Number.isFinite(orders) || orders < 0) {
      throw new RangeError(`acquire: orders must be a non-negative number, got ${show(orders)}`);
    }
    const byInterval = request.ordersByInterval;
    if (byInterval !== undefined) {
      if (byInterval === null || typeof byInterval !== 'object' || Array.isArray(byInterval)) {
        throw new TypeError(
          `acquire: ordersByInterval must be a record like { '10S': 5, '1M': 1 }, got ${show(byInterval)}`,
        );
      }
      for (const [interval, count] of Object.entries(byInterval)) {
        if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
          throw new RangeError(
            `acquire: ordersByInterval[${JSON.stringify(interval)}] must be a non-negative number, got ${show(count)}`,
          );
        }
      }
    }
    const path = request.path;
    if (path !== undefined && typeof path !== 'string') {
      throw new TypeError(
        `acquire: path must be the request's path, e.g. '/sapi/v1/capital/config/getall', got ${show(path)}`,
      );
    }
    const budget = path === undefined ? this.#mainScope.budget : this.#budgetOf(path);
    const group = request.ownLimit === undefined ? undefined : this.#ownSlot(request.ownLimit).scope.group;
    return { weight, orders, ordersByInterval: byInterval, budget, group };
  }

  /** The budget a request to `path` is charged to; paths repeat, so each is matched against the profile once. */
  #budgetOf(path: string): string {
    let budget = this.#budgets.get(path);
    if (budget === undefined) {
      budget = this.profile.budgetFor(normalizePath(path)).name;
      if (this.#budgets.size >= MAX_REMEMBERED) this.#budgets.clear();
      this.#budgets.set(path, budget);
    }
    return budget;
  }

  /** The slot of an endpoint's own limit, made the first time a request names its group. */
  #ownSlot(own: EndpointLimit): Slot {
    if (own === null || typeof own !== 'object' || typeof own.group !== 'string' || own.group === '') {
      throw new TypeError(`acquire: ownLimit must be an endpoint limit with a group name, got ${show(own)}`);
    }
    const known = this.#ownSlots.get(own.group);
    if (known !== undefined) return known;
    const limit: ThrottleLimit = {
      rateLimitType: 'RAW_REQUESTS',
      interval: own.interval,
      intervalNum: own.intervalNum,
      limit: own.limit,
    };
    const scope = ownLimitScope(this.profile, own.group);
    const [slot] = this.#resolve([limit], scope, true, 'acquire: ownLimit', []);
    this.#ownSlots.set(own.group, slot!);
    this.#setSlots();
    return slot!;
  }

  /** The permit, when this limiter granted it and it is not settled yet: a lane's or one with charges. */
  #own(permit: Permit): LanePermit | GrantedPermit | undefined {
    if (!(permit instanceof LanePermit || permit instanceof GrantedPermit) || permit.owner !== this || permit.done) {
      return undefined;
    }
    return permit;
  }

  /**
   * The fast path, for a store that reserves synchronously: with nobody queued, no pause and no limit known to be
   * full, a request that fits is granted at once, without a promise, a pass of the queue or a timer. Anything
   * else (it does not fit, a pause, a ban the store knows of) is left to the queue, which asks the store again.
   */
  #grantNow(request: AcquireRequest, claim: Claim, t: number): GrantedPermit | undefined {
    const store = this.#store;
    const at = t - this.#earlyMs;
    if (store.reserveSync === undefined || at < this.#pausedUntil || !this.#queue.idle(t)) return undefined;
    const edgeGuardMs = this.#edge.ms;
    const charges = chargesFor(this.#slots, claim, at, t + edgeGuardMs);
    const result = store.reserveSync(at, charges);
    return result.ok ? this.#permit(request, claim, t, t, edgeGuardMs, charges, result.confirmed) : undefined;
  }

  /**
   * The fast path's common case, for a frozen acquire request on the memory store (see {@link Lane}): granted in
   * its lane when nobody is queued, nothing pauses or bans, and one window per limit holds it with room. Otherwise
   * `undefined`, with nothing reserved, and the general path decides.
   */
  #grantInLane(request: AcquireRequest, store: MemoryRateStore): LanePermit | undefined {
    let lane = this.#lanes.get(request);
    if (lane === undefined) {
      // Asked when the lane is made, not on every call: V8 answers `isFrozen` in its C++ runtime (about 260 instructions).
      if (!Object.isFrozen(request)) return undefined;
      const claim = this.#claimIfValid(request);
      if (claim === undefined) return undefined;
      // After the claim: naming an endpoint's own limit the first time adds a slot.
      lane = new Lane(this.#slots, request, claim);
      if (this.#lanes.size >= MAX_REMEMBERED) this.#lanes.clear();
      this.#lanes.set(request, lane);
    }
    const t = this.#now();
    const at = t - this.#earlyMs;
    if (at < this.#bannedUntil || at < this.#pausedUntil || !store.admits(at) || !this.#queue.idle(t)) return undefined;
    const windows = lane.reserve(store, at, t + this.#edge.ms);
    if (windows === undefined) return undefined;
    return new LanePermit(this, lane, t, this.#monoNow(), windows);
  }

  /** A synchronous store step of settle or release, as the promise those return. */
  #syncStep(step: () => void): Promise<void> {
    try {
      step();
    } catch (error) {
      return Promise.reject(error);
    }
    this.#queue.capacityChanged();
    return RESOLVED;
  }

  /** One waiter's turn in a pass of the queue: grant it, hold it, or fail it. */
  async #serve(w: Waiter, isCancel: boolean): Promise<ServeResult> {
    const t = this.#now();
    const at = t - this.#earlyMs;
    if (at < this.#bannedUntil) {
      this.#failAllBanned(t);
      return 'stop';
    }
    if (at < this.#pausedUntil) {
      this.#hold(w, t, this.#pausedUntil + this.#earlyMs, undefined, 0);
      return 'next';
    }
    const slots = this.#slots;
    const blocked = this.#queue.blockingSlot(t, isCancel, (s) => amountFor(slots[s]!, w.claim) > 0);
    if (blocked !== undefined) {
      this.#hold(w, t, blocked.until, slots[blocked.slot], this.#queue.blockedUsed(blocked.slot));
      return 'next';
    }
    const edgeGuardMs = this.#edge.ms;
    const charges = chargesFor(slots, w.claim, at, t + edgeGuardMs);
    const epoch = this.#queue.epoch;
    const steps = this.#steps;
    let result: Awaited<ReturnType<RateStore['reserve']>>;
    try {
      result = await this.#store.reserve(at, charges);
    } catch (error) {
      if (w.pending) this.#queue.fail(w, error);
      return 'next';
    }
    const after = this.#now() - this.#earlyMs;
    // While the store answered, the clock may have stepped: then its answer is on the old reading.
    const stepped = steps !== this.#steps;
    if (result.ok) {
      // ... or the request may have been aborted, or a 429/418/new limits may have arrived.
      if (!w.pending || after < this.#pausedUntil || after < this.#bannedUntil || slots !== this.#slots || stepped) {
        await this.#store.release(charges);
        return w.pending ? 'again' : 'next';
      }
      this.#grant(w, t, edgeGuardMs, charges, result.confirmed);
      return 'next';
    }
    if (stepped) return w.pending ? 'again' : 'next';
    // A custom or shared store may hold garbage: never wait forever, never past the longest ban.
    const until = storeUntil(result.until, t);
    if (result.reason === 'ban') {
      if (until > this.#bannedUntil) this.#bannedUntil = until;
      this.#failAllBanned(t);
      return 'stop';
    }
    if (result.reason === 'pause') {
      if (until > this.#pausedUntil) this.#pausedUntil = until;
      if (w.pending) this.#hold(w, t, this.#pausedUntil + this.#earlyMs, undefined, 0);
      return 'next';
    }
    // A settle or release while the store answered may have made room: "full" is stale, ask again.
    if (slots !== this.#slots || epoch !== this.#queue.epoch) return w.pending ? 'again' : 'next';
    const charge = charges[result.index]!;
    const s = slots.indexOf(charge.slot);
    const resumeAt = until + this.#earlyMs;
    if (!w.pending) return 'next';
    this.#hold(w, t, resumeAt, charge.slot, result.used);
    // Everyone behind this request that needs the same limit waits for it: no overtaking on a full limit.
    // A request that gave up (maxWaitMs) holds nobody back.
    if (w.pending) this.#queue.block(s, resumeAt, result.used, isCancel);
    return 'next';
  }

  /**
   * `w` must wait until `resumeAt` for `slot` (with `used` in it), or for the pause when `slot` is undefined: fail
   * it now if that is past its deadline, else tell listeners once.
   */
  #hold(w: Waiter, t: number, resumeAt: number, slot: Slot | undefined, used: number): void {
    const waitMs = resumeAt - t;
    const limit = slot === undefined ? undefined : this.#usage(slot, used);
    if (resumeAt > w.deadline) {
      const needs = slot === undefined ? 0 : amountFor(slot, w.claim);
      this.#emitLocalRefusal(w.label, Math.ceil(waitMs), limit === undefined ? this.#pausedUntil : undefined, limit);
      this.#queue.fail(w, waitTooLongError(w.label, needs, waitMs, w.deadline - w.enqueuedAt, limit));
      return;
    }
    if (!w.announced) {
      w.announced = true;
      if (this.#waitListeners.size > 0) {
        this.#waitListeners.emit({
          label: safeLabel(w.label),
          weight: w.claim.weight,
          orders: w.claim.orders,
          waitMs,
          reason: limit === undefined ? 'pause' : 'limit',
          limit,
          queued: this.#queue.size,
        });
      }
    }
  }

  #grant(w: Waiter, t: number, edgeGuardMs: number, charges: Charge[], confirmed: readonly number[]): void {
    this.#queue.finish(w);
    w.resolve(this.#permit(w, w.claim, w.enqueuedAt, t, edgeGuardMs, charges, confirmed));
  }

  #permit(
    of: Pick<AcquireRequest, 'label' | 'weightOnSuccess'>,
    claim: Claim,
    enqueuedAt: number,
    t: number,
    edgeGuardMs: number,
    charges: Charge[],
    confirmed: readonly number[],
  ): GrantedPermit {
    for (let i = 0; i < charges.length; i++) charges[i]!.confirmedAtReserve = confirmed[i] ?? 0;
    return new GrantedPermit(this, of, claim, enqueuedAt, t, this.#monoNow(), edgeGuardMs, charges);
  }

  #failAllBanned(t: number): void {
    this.#queue.stop();
    this.#queue.failAll((w) => this.#banError(t, w.label));
  }

  /**
   * The end of a pause or ban, cut to `MAX_SERVER_WAIT_MS` from now: a hostile `Retry-After` still pauses (for
   * the longest ban Binance gives), it never throws and leaves requests flowing into the ban.
   */
  #untilOf(
    options: { retryAfterMs?: number | undefined; untilServerMs?: number | undefined },
    method: string,
    t: number,
  ): number | undefined {
    if (options.untilServerMs !== undefined) {
      if (typeof options.untilServerMs !== 'number' || Number.isNaN(options.untilServerMs)) {
        throw new RangeError(`${method}: untilServerMs must be server-clock ms, got ${show(options.untilServerMs)}`);
      }
      return Math.min(options.untilServerMs, t + MAX_SERVER_WAIT_MS);
    }
    if (options.retryAfterMs !== undefined) {
      if (typeof options.retryAfterMs !== 'number' || !(options.retryAfterMs >= 0)) {
        throw new RangeError(
          `${method}: retryAfterMs must be a non-negative number of ms, got ${show(options.retryAfterMs)}`,
        );
      }
      return t + clampServerWait(options.retryAfterMs);
    }
    return undefined;
  }

  /** The end of the main budget's shortest request-weight window: when a 429 without Retry-After lifts. */
  #defaultPauseEnd(t: number): number {
    let ms: number | undefined;
    for (const slot of this.#mainSlots)
      if (slot.type === 'REQUEST_WEIGHT' && (ms === undefined || slot.intervalMs < ms)) ms = slot.intervalMs;
    ms ??= 60_000;
    return windowStart(t, ms) + ms;
  }

  #usage(slot: Slot, used: number): ThrottleLimitUsage {
    return { ...scopeFields(slot), ...slot.limit, capacity: slot.capacity, used };
  }

  #tooHeavy(slot: Slot, amount: number, label: string | undefined) {
    const usage = this.#usage(slot, 0);
    this.#emitLocalRefusal(label, 0, undefined, usage);
    return tooHeavyError(label, amount, usage, slot.capacity, this.safety);
  }

  #emitLocalRefusal(
    label: string | undefined,
    retryAfterMs: number,
    pausedUntil: number | undefined,
    limit: ThrottleLimitUsage | undefined,
  ): void {
    if (this.#rateLimitListeners.size === 0) return;
    this.#rateLimitListeners.emit({ source: 'local', label: safeLabel(label), retryAfterMs, pausedUntil, limit });
  }

  #banError(t: number, label: string | undefined) {
    const retryAfterMs = Math.max(0, Math.ceil(this.#bannedUntil + this.#earlyMs - t));
    return banError(label, this.#bannedUntil, retryAfterMs);
  }

  #buildSnapshot(t: number, state: RateStoreState | undefined): ThrottleSnapshot {
    const limits: ThrottleSnapshot['limits'] = [];
    for (const slot of this.#slots) {
      const start = windowStart(t, slot.intervalMs);
      let used = 0;
      for (const w of state?.windows ?? []) if (w.limitKey === slot.key && w.start === start) used = w.used;
      limits.push({
        ...scopeFields(slot),
        ...slot.limit,
        capacity: slot.capacity,
        used,
        windowStart: start,
        windowEnd: start + slot.intervalMs,
      });
    }
    const snapshot: ThrottleSnapshot = { limits, queued: this.#queue.size, edgeGuardMs: this.#edge.ms };
    const paused = Math.max(this.#pausedUntil, state?.pausedUntil ?? 0);
    const banned = Math.max(this.#bannedUntil, state?.bannedUntil ?? 0);
    if (paused > t) snapshot.pausedUntil = paused;
    if (banned > t) snapshot.bannedUntil = banned;
    return snapshot;
  }
}

/** Whether a request that arrived by `t` (server ms) may have landed after the end of a window it is charged to. */
function reachesAnEnd(p: GrantedPermit | LanePermit, t: number): boolean {
  const windows = p instanceof LanePermit ? p.windows : p.charges;
  for (let i = 0; i < windows.length; i++) if (t >= windows[i]!.end) return true;
  return false;
}

/** The `budget` / `group` fields a slot outside the main budget adds to usage and snapshots. */
function scopeFields(slot: Slot): ThrottleLimitScope {
  if (slot.scope.group !== undefined) return { group: slot.scope.group };
  return slot.scope.main ? {} : { budget: slot.scope.budget };
}

/** A store's "until" as a usable time: `NaN` retries in a second, anything else is cut to the longest ban. */
function storeUntil(until: number, t: number): number {
  if (typeof until !== 'number' || Number.isNaN(until)) return t + 1000;
  return Math.min(until, t + MAX_SERVER_WAIT_MS);
}

function nonNegative(value: unknown, name: string, fallback: number, allowInfinity: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (!allowInfinity && !Number.isFinite(value))) {
    throw new RangeError(`${name} must be a non-negative number of ms, got ${show(value)}`);
  }
  return value;
}
