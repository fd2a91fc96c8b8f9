import { BinanceAbortError, BinanceIpBanError, BinanceThrottleError } from '../errors/classes.ts';
import { redactText } from '../errors/redact.ts';
import type { RateLimit, RateLimitInterval, RateLimitType } from '../errors/types.ts';
import { clampServerWait, MAX_SERVER_WAIT_MS, MAX_TIMER_MS } from '../time/limits.ts';
import { headerCount } from './headerCount.ts';
import { MemoryRateStore } from './MemoryRateStore.ts';
import type { RateStore, RateStoreState, ReserveResult, SettledCharge } from './RateStore.ts';
import { headerName, INTERVAL_MS, limitKey, windowStart } from './windows.ts';

/** A limit in exchangeInfo's shape, optionally with its real window length (tests, benchmarks, the fake exchange). */
export interface ThrottleLimit extends RateLimit {
  /** Real window length in ms, overriding `intervalNum × interval × intervalScale`. */
  intervalMs?: number | undefined;
}

/** The Spot limits at the time of writing (FACTS §3), used until `learn()` sees exchangeInfo's own. */
export const DEFAULT_RATE_LIMITS: readonly RateLimit[] = Object.freeze([
  Object.freeze({ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 } as const),
  Object.freeze({ rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 } as const),
  Object.freeze({ rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 160000 } as const),
  Object.freeze({ rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 300000 } as const),
]);

/** The timer functions the limiter uses; inject fakes in tests. */
export interface ThrottleTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of {@link WeightLimiter}. Every field is optional; bad values throw a TypeError/RangeError naming them. */
export interface WeightLimiterOptions {
  /** Limits to enforce, in exchangeInfo's shape. @default {@link DEFAULT_RATE_LIMITS} */
  limits?: readonly ThrottleLimit[] | undefined;
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
   * its ServerClock's estimate. @default Date.now
   */
  serverNow?: (() => number) | undefined;
  /** @default the global setTimeout/clearTimeout */
  timers?: ThrottleTimers | undefined;
  /** Multiplies every window length, so tests can run "1 MINUTE" as 2 s (`1 / 30`). @default 1 */
  intervalScale?: number | undefined;
  /**
   * How long after release (by `serverNow`) a request may still be counted by the server, in ms: network latency
   * plus the clock estimate's error. A request released this close to a window's end is charged to both windows.
   * 500 ms covers the one-way latency to Binance from most places with room to spare; raise it on slow links.
   * @default 500
   */
  edgeGuardMs?: number | undefined;
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
  /** `'cancel'` goes ahead of queued normal requests, so exposure can always be reduced first. @default 'normal' */
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

/** The limit a request waits for or was refused by, with its usage. Numbers only. */
export interface ThrottleLimitUsage extends RateLimit {
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
  limits: Array<{
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
  }>;
  pausedUntil?: number;
  bannedUntil?: number;
  /** Requests waiting for budget. */
  queued: number;
}

/** A limit with everything the hot path needs precomputed. */
interface Slot {
  readonly limit: RateLimit;
  readonly type: RateLimitType;
  readonly key: string;
  readonly intervalMs: number;
  readonly capacity: number;
  readonly header: string | undefined;
  readonly headerLower: string | undefined;
}

/** One window a permit is charged to; also the record the store settles. */
class Charge implements SettledCharge {
  readonly slot: Slot;
  readonly limitKey: string;
  readonly start: number;
  readonly end: number;
  readonly amount: number;
  readonly capacity: number;
  counted = 0;
  certain = false;
  serverCount: number | undefined = undefined;
  confirmedAtReserve = 0;

  constructor(slot: Slot, start: number, amount: number) {
    this.slot = slot;
    this.limitKey = slot.key;
    this.start = start;
    this.end = start + slot.intervalMs;
    this.amount = amount;
    this.capacity = slot.capacity;
  }
}

const PENDING = 0;
const DONE = 1;

/** A request waiting for budget. */
class Waiter {
  readonly weight: number;
  readonly orders: number;
  readonly label: string | undefined;
  /** Server ms after which waiting longer breaks `maxWaitMs`. */
  readonly deadline: number;
  readonly enqueuedAt: number;
  readonly weightOnSuccess: number | undefined;
  readonly signal: AbortSignal | undefined;
  resolve: (permit: Permit) => void = noop;
  reject: (error: unknown) => void = noop;
  state = PENDING;
  announced = false;
  onAbort: (() => void) | undefined = undefined;

  constructor(request: AcquireRequest, orders: number, enqueuedAt: number, maxWaitMs: number) {
    this.weight = request.weight;
    this.orders = orders;
    this.label = request.label;
    this.deadline = enqueuedAt + maxWaitMs;
    this.enqueuedAt = enqueuedAt;
    this.weightOnSuccess = request.weightOnSuccess;
    this.signal = request.signal;
  }

  amount(type: RateLimitType): number {
    return type === 'REQUEST_WEIGHT' ? this.weight : type === 'ORDERS' ? this.orders : 1;
  }
}

class GrantedPermit implements Permit {
  readonly owner: WeightLimiter;
  readonly weight: number;
  readonly orders: number;
  readonly label: string | undefined;
  readonly grantedAt: number;
  readonly waitedMs: number;
  readonly weightOnSuccess: number | undefined;
  readonly charges: Charge[];
  done = false;

  constructor(owner: WeightLimiter, waiter: Waiter, grantedAt: number, charges: Charge[]) {
    this.owner = owner;
    this.weight = waiter.weight;
    this.orders = waiter.orders;
    this.label = waiter.label;
    this.grantedAt = grantedAt;
    this.waitedMs = grantedAt - waiter.enqueuedAt;
    this.weightOnSuccess = waiter.weightOnSuccess;
    this.charges = charges;
  }

  /** The public fields only: the limiter and the charges are internal. */
  toJSON(): Permit {
    return {
      weight: this.weight,
      orders: this.orders,
      label: safeLabel(this.label),
      grantedAt: this.grantedAt,
      waitedMs: this.waitedMs,
      weightOnSuccess: this.weightOnSuccess,
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): Permit {
    return this.toJSON();
  }
}

function noop(): void {}

const TYPES = new Set<string>(['REQUEST_WEIGHT', 'ORDERS', 'RAW_REQUESTS']);
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
 *   windows; it is released only when both have room.
 * - In-flight reservations count. Responses reconcile with `X-MBX-USED-WEIGHT-*` / `X-MBX-ORDER-COUNT-*`: a
 *   higher server count (others on the IP) raises the local one; a lower or older one never lowers it.
 * - Waiting requests queue in order; `priority: 'cancel'` goes first. A request only waits behind those that need
 *   the same exhausted limit, so market-data reads keep flowing while the 10 s order limit is spent.
 * - `penalize()` (429) pauses everything; `ban()` (418) fails everything fast until it ends.
 *
 * @example
 * ```ts
 * const limiter = new WeightLimiter({ serverNow: () => clock.now() });
 * const { weight, orders, weightOnSuccess } = weightOf('POST', '/api/v3/order');
 * const permit = await limiter.acquire({ weight, orders, weightOnSuccess, label: 'POST /api/v3/order' });
 * const res = await fetch(url, init);
 * await limiter.settle(permit, { status: res.status, headers: res.headers });
 * ```
 */
export class WeightLimiter {
  private slots: Slot[];
  private readonly configured: readonly ThrottleLimit[];
  /** Longest a request waits for budget by default, in ms (the `maxWaitMs` option). */
  readonly maxWaitMs: number;
  /** Fraction of each limit this limiter uses (the `safety` option). */
  readonly safety: number;
  private readonly store: RateStore;
  private readonly now: () => number;
  private readonly timers: ThrottleTimers;
  private readonly intervalScale: number;
  private readonly lateMs: number;
  private readonly earlyMs: number;

  private readonly cancels: Waiter[] = [];
  private readonly normals: Waiter[] = [];
  private queued = 0;
  private pumping = false;
  private again = false;
  private wake: unknown;
  // Per slot: server time until which the slot is known to be full for normal requests, for every request (a
  // cancel found it full; nothing queued overtakes a cancel), and the usage then. Cleared whenever capacity may
  // have come back (a settle, a release, learnt limits).
  private blockedNormal: number[];
  private blockedAll: number[];
  private blockedUsed: number[];
  private pausedUntil = 0;
  private bannedUntil = 0;
  private lastState: RateStoreState | undefined;

  private readonly waitListeners = new Set<(event: ThrottleWaitEvent) => void>();
  private readonly rateLimitListeners = new Set<(event: ThrottleRateLimitEvent) => void>();
  private readonly banListeners = new Set<(event: ThrottleBanEvent) => void>();

  constructor(options: WeightLimiterOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`WeightLimiter options must be an object, got ${show(options)}`);
    }
    this.maxWaitMs = nonNegative(options.maxWaitMs, 'maxWaitMs', 30_000, true);
    this.safety = options.safety ?? 0.98;
    if (typeof this.safety !== 'number' || !(this.safety > 0 && this.safety <= 1)) {
      throw new RangeError(`safety must be a number in (0, 1], got ${show(options.safety)}`);
    }
    this.intervalScale = options.intervalScale ?? 1;
    if (typeof this.intervalScale !== 'number' || !(this.intervalScale > 0) || !Number.isFinite(this.intervalScale)) {
      throw new RangeError(`intervalScale must be a positive number, got ${show(options.intervalScale)}`);
    }
    this.lateMs = nonNegative(options.edgeGuardMs, 'edgeGuardMs', 500, false);
    this.earlyMs = nonNegative(options.earlyGuardMs, 'earlyGuardMs', 100, false);
    if (options.serverNow !== undefined && typeof options.serverNow !== 'function') {
      throw new TypeError(`serverNow must be a function returning server-clock ms, got ${show(options.serverNow)}`);
    }
    this.now = options.serverNow ?? (() => Date.now());
    const timers = options.timers;
    if (
      timers !== undefined &&
      (timers === null || typeof timers.setTimeout !== 'function' || typeof timers.clearTimeout !== 'function')
    ) {
      throw new TypeError(`timers must have setTimeout and clearTimeout functions, got ${show(timers)}`);
    }
    this.timers = timers ?? defaultTimers;
    const store = options.store;
    if (store !== undefined && (store === null || STORE_METHODS.some((m) => typeof store[m] !== 'function'))) {
      throw new TypeError(`store must implement RateStore, got ${show(store)}`);
    }
    this.store = store ?? new MemoryRateStore();
    const limits = options.limits ?? DEFAULT_RATE_LIMITS;
    if (!Array.isArray(limits)) throw new TypeError(`limits must be an array of rate limits, got ${show(limits)}`);
    this.configured = limits;
    this.slots = this.resolve(limits, true);
    this.blockedNormal = this.slots.map(() => 0);
    this.blockedAll = this.slots.map(() => 0);
    this.blockedUsed = this.slots.map(() => 0);
  }

  /**
   * Waits until every limit has room for the request, then reserves it and resolves with a {@link Permit}.
   * Rejects at once — nothing reserved, nothing to send — with `BinanceThrottleError` when the wait would exceed
   * `maxWaitMs` or the request is heavier than a whole limit, `BinanceIpBanError` during a ban, and
   * `BinanceAbortError` when `signal` aborts.
   */
  acquire(request: AcquireRequest): Promise<Permit> {
    const weight = request?.weight;
    const orders = request?.orders ?? 0;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      return Promise.reject(new RangeError(`acquire: weight must be a non-negative number, got ${show(weight)}`));
    }
    if (typeof orders !== 'number' || !Number.isFinite(orders) || orders < 0) {
      return Promise.reject(new RangeError(`acquire: orders must be a non-negative number, got ${show(orders)}`));
    }
    let maxWaitMs = this.maxWaitMs;
    if (request.maxWaitMs !== undefined) {
      if (typeof request.maxWaitMs !== 'number' || !(request.maxWaitMs >= 0)) {
        return Promise.reject(
          new RangeError(`acquire: maxWaitMs must be a non-negative number of ms, got ${show(request.maxWaitMs)}`),
        );
      }
      maxWaitMs = request.maxWaitMs;
    }
    const { label, signal } = request;
    if (signal?.aborted) return Promise.reject(abortError(label, signal));
    const t = this.now();
    if (t - this.earlyMs < this.bannedUntil) return Promise.reject(this.banError(t, label));
    for (const slot of this.slots) {
      const amount = slot.type === 'REQUEST_WEIGHT' ? weight : slot.type === 'ORDERS' ? orders : 1;
      if (amount > slot.capacity) return Promise.reject(this.tooHeavy(slot, amount, label));
    }
    const waiter = new Waiter(request, orders, t, maxWaitMs);
    return new Promise<Permit>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
      if (signal !== undefined) {
        waiter.onAbort = () => {
          if (waiter.state !== PENDING) return;
          this.finish(waiter);
          reject(abortError(label, signal));
          // It may have been the request others queued behind.
          this.capacityChanged();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      (request.priority === 'cancel' ? this.cancels : this.normals).push(waiter);
      this.queued++;
      void this.pump();
    });
  }

  /**
   * Records a response: moves the permit's reservation from in flight to used, refunds the weight of a successful
   * call that is free (`weightOnSuccess`, or `refundOnSuccess`), and reconciles with the usage headers. A header is
   * applied only to the window the request certainly landed in; one from a request that may have crossed a window
   * boundary is ignored rather than guessed. Settling twice, or a permit of another limiter, does nothing.
   */
  settle(permit: Permit, outcome: SettleOutcome = {}): Promise<void> {
    const p = this.own(permit);
    if (p === undefined) return Promise.resolve();
    p.done = true;
    const s = this.now();
    const status = outcome.status;
    const success = outcome.success ?? (status !== undefined && status >= 200 && status < 300);
    const onSuccess = !success ? undefined : outcome.refundOnSuccess === true ? 0 : p.weightOnSuccess;
    const headers = outcome.headers;
    // The request reached the server after its release (less the clock error) and before its response came back.
    const lo = p.grantedAt - this.earlyMs;
    let hi = Math.min(p.grantedAt + this.lateMs, s + this.earlyMs);
    if (hi < lo) hi = p.grantedAt + this.lateMs;
    const charges = p.charges;
    for (let i = 0; i < charges.length; ) {
      const slot = charges[i]!.slot;
      let j = i;
      let possible = 0;
      for (; j < charges.length && charges[j]!.slot === slot; j++) {
        const c = charges[j]!;
        if (c.start <= hi && c.end > lo) possible++;
      }
      for (let k = i; k < j; k++) {
        const c = charges[k]!;
        const here = c.start <= hi && c.end > lo;
        c.counted = !here
          ? 0
          : slot.type === 'REQUEST_WEIGHT' && onSuccess !== undefined
            ? Math.min(c.amount, onSuccess)
            : c.amount;
        c.certain = here && possible === 1;
        c.serverCount =
          c.certain && slot.headerLower !== undefined && headers !== undefined
            ? headerCount(headers, slot.headerLower, slot.header!)
            : undefined;
      }
      i = j;
    }
    return this.store.settle(charges).then(() => this.capacityChanged());
  }

  /** Returns a permit whose request was never sent (it failed before leaving this process). */
  release(permit: Permit): Promise<void> {
    const p = this.own(permit);
    if (p === undefined) return Promise.resolve();
    p.done = true;
    return this.store.release(p.charges).then(() => this.capacityChanged());
  }

  /**
   * A 429: nothing is sent until `retryAfterMs` from now (or until `untilServerMs`). Every waiter and every new
   * request waits; those whose `maxWaitMs` ends sooner fail at once. Without either value, the pause lasts until
   * the current request-weight window ends.
   */
  penalize(options: { retryAfterMs?: number | undefined; untilServerMs?: number | undefined } = {}): Promise<void> {
    const t = this.now();
    const until = this.untilOf(options, 'penalize', t) ?? this.defaultPauseEnd(t);
    if (until > this.pausedUntil) this.pausedUntil = until;
    if (this.rateLimitListeners.size > 0) {
      emit(this.rateLimitListeners, {
        source: 'server',
        label: undefined,
        retryAfterMs: Math.max(0, until - t),
        pausedUntil: this.pausedUntil,
        limit: undefined,
      });
    }
    const stored = this.store.setPause(this.pausedUntil);
    this.capacityChanged();
    return stored;
  }

  /**
   * A 418: the IP is banned until `untilServerMs` (or for `retryAfterMs`). Every waiting and new request fails
   * with `BinanceIpBanError` until then; nothing is sent.
   */
  ban(options: { untilServerMs?: number | undefined; retryAfterMs?: number | undefined }): Promise<void> {
    const t = this.now();
    const until = this.untilOf(options ?? {}, 'ban', t);
    if (until === undefined) throw new TypeError('ban: give untilServerMs or retryAfterMs');
    if (until > this.bannedUntil) this.bannedUntil = until;
    if (this.banListeners.size > 0) {
      emit(this.banListeners, { bannedUntil: this.bannedUntil, retryAfterMs: Math.max(0, this.bannedUntil - t) });
    }
    this.failAllBanned(t);
    return this.store.setBan(this.bannedUntil);
  }

  /**
   * Replaces the limits with those of an exchangeInfo response (`rateLimits`). Usage carries over for every limit
   * with the same type and interval. Entries this limiter does not know (e.g. the WebSocket API's `CONNECTIONS`)
   * or that are malformed are skipped; returns `false` and changes nothing when no entry is usable.
   */
  learn(rateLimits: readonly RateLimit[]): boolean {
    if (!Array.isArray(rateLimits)) return false;
    const slots = this.resolve(rateLimits, false);
    if (slots.length === 0) return false;
    this.slots = slots;
    this.blockedNormal = slots.map(() => 0);
    this.blockedAll = slots.map(() => 0);
    this.blockedUsed = slots.map(() => 0);
    for (const queue of [this.cancels, this.normals]) {
      for (const w of queue) {
        if (w.state !== PENDING) continue;
        for (const slot of slots) {
          const amount = w.amount(slot.type);
          if (amount > slot.capacity) {
            this.finish(w);
            w.reject(this.tooHeavy(slot, amount, w.label));
            break;
          }
        }
      }
    }
    this.capacityChanged();
    return true;
  }

  /** Current usage per limit, pause, ban and queue length. Fresh with the in-memory store; see `fetchSnapshot`. */
  snapshot(): ThrottleSnapshot {
    const t = this.now();
    const state = this.store.peekState?.(t) ?? this.lastState;
    if (this.store.peekState === undefined) {
      void this.store.getState(t).then(
        (fresh) => {
          this.lastState = fresh;
        },
        () => undefined,
      );
    }
    return this.buildSnapshot(t, state);
  }

  /** Like {@link snapshot}, reading the store (one round trip for a shared store). */
  async fetchSnapshot(): Promise<ThrottleSnapshot> {
    const t = this.now();
    this.lastState = await this.store.getState(t);
    return this.buildSnapshot(t, this.lastState);
  }

  /** Calls `listener` whenever a request has to wait. Returns the unsubscribe function. */
  onWait(listener: (event: ThrottleWaitEvent) => void): () => void {
    return subscribe(this.waitListeners, listener);
  }

  /** Calls `listener` on a 429 pause and on every local refusal (`maxWaitMs`, too heavy). Returns the unsubscribe function. */
  onRateLimit(listener: (event: ThrottleRateLimitEvent) => void): () => void {
    return subscribe(this.rateLimitListeners, listener);
  }

  /** Calls `listener` on a 418 ban. Returns the unsubscribe function. */
  onBan(listener: (event: ThrottleBanEvent) => void): () => void {
    return subscribe(this.banListeners, listener);
  }

  /** Rejects every waiting request with `BinanceAbortError` and stops the timer. Permits already granted stay valid. */
  close(): void {
    this.cancelWake();
    this.failAll(
      (w) =>
        new BinanceAbortError({
          message: `The rate limiter was closed while ${describe(w.label)} waited for budget; nothing was sent.`,
          executed: 'no',
        }),
    );
  }

  // --- internals -------------------------------------------------------------------------------------------

  private resolve(limits: readonly ThrottleLimit[], strict: boolean): Slot[] {
    const slots: Slot[] = [];
    const seen = new Map<string, number>();
    limits.forEach((input, index) => {
      const where = `limits[${index}]`;
      const problem = limitProblem(input, where);
      if (problem !== undefined) {
        if (strict) throw problem;
        return;
      }
      const key = limitKey(input);
      // A learnt limit keeps the window length configured for the same limit (tests run shortened windows).
      const override = input.intervalMs ?? this.configured?.find((c) => limitKey(c) === key)?.intervalMs;
      const ms = Math.max(
        1,
        Math.round(override ?? input.intervalNum * INTERVAL_MS[input.interval] * this.intervalScale),
      );
      const limit: RateLimit = {
        rateLimitType: input.rateLimitType,
        interval: input.interval,
        intervalNum: input.intervalNum,
        limit: input.limit,
      };
      const header = headerName(limit);
      const slot: Slot = {
        limit,
        type: limit.rateLimitType,
        key,
        intervalMs: ms,
        capacity: Math.floor(limit.limit * this.safety),
        header,
        headerLower: header?.toLowerCase(),
      };
      const previous = seen.get(key);
      if (previous === undefined) {
        seen.set(key, slots.length);
        slots.push(slot);
      } else if (strict) {
        throw new RangeError(`${where} repeats ${key}; give each rateLimitType and interval once`);
      } else if (slot.capacity < slots[previous]!.capacity) {
        slots[previous] = slot;
      }
    });
    return slots;
  }

  private own(permit: Permit): GrantedPermit | undefined {
    return permit instanceof GrantedPermit && permit.owner === this && !permit.done ? permit : undefined;
  }

  private finish(w: Waiter): void {
    w.state = DONE;
    this.queued--;
    if (w.onAbort !== undefined) w.signal?.removeEventListener('abort', w.onAbort);
  }

  /** Capacity may have come back: forget what was known to be full and let the queue try again. */
  private capacityChanged(): void {
    this.blockedNormal.fill(0);
    this.blockedAll.fill(0);
    if (this.queued > 0) void this.pump();
  }

  private cancelWake(): void {
    if (this.wake !== undefined) {
      this.timers.clearTimeout(this.wake);
      this.wake = undefined;
    }
  }

  /**
   * Serves the queue: cancels first, then normal requests, each in arrival order. A request that needs a limit
   * someone ahead of it is waiting for waits too (no overtaking on that limit); one that needs none of the
   * exhausted limits goes ahead. Only one pass runs at a time; calls during a pass make it run once more.
   */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    this.cancelWake();
    try {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    } catch (error) {
      // Only an injected function can throw here (serverNow, a store method): fail the waiters rather than
      // leave them hanging with no timer set.
      this.failAll(() => error);
    } finally {
      this.pumping = false;
      this.compact();
    }
    this.sleep();
  }

  private async pass(): Promise<void> {
    for (const queue of [this.cancels, this.normals]) {
      const isCancel = queue === this.cancels;
      // Waiters that arrive during the pass are appended and served in the same pass.
      for (let i = 0; i < queue.length; i++) {
        const w = queue[i]!;
        if (w.state !== PENDING) continue;
        const t = this.now();
        const at = t - this.earlyMs;
        if (at < this.bannedUntil) {
          this.failAllBanned(t);
          return;
        }
        if (at < this.pausedUntil) {
          this.hold(w, t, this.pausedUntil + this.earlyMs, undefined);
          continue;
        }
        const blocked = this.blockingSlot(w, t, isCancel);
        if (blocked !== undefined) {
          this.hold(w, t, blocked.until, this.usage(this.slots[blocked.slot]!, this.blockedUsed[blocked.slot]!));
          continue;
        }
        const slots = this.slots;
        const charges = this.chargesFor(w, t);
        let result: ReserveResult;
        try {
          result = await this.store.reserve(at, charges);
        } catch (error) {
          if (w.state === PENDING) {
            this.finish(w);
            w.reject(error);
          }
          continue;
        }
        const after = this.now() - this.earlyMs;
        if (result.ok) {
          // While the store answered, the request may have been aborted, or a 429/418/new limits may have arrived.
          if (w.state !== PENDING || after < this.pausedUntil || after < this.bannedUntil || slots !== this.slots) {
            await this.store.release(charges);
            if (w.state === PENDING) i--;
            continue;
          }
          this.grant(w, t, charges, result.confirmed);
          continue;
        }
        // A custom or shared store may hold garbage: never wait forever, never past the longest ban.
        const until = storeUntil(result.until, t);
        if (result.reason === 'ban') {
          if (until > this.bannedUntil) this.bannedUntil = until;
          this.failAllBanned(t);
          return;
        }
        if (result.reason === 'pause') {
          if (until > this.pausedUntil) this.pausedUntil = until;
          if (w.state === PENDING) this.hold(w, t, this.pausedUntil + this.earlyMs, undefined);
          continue;
        }
        if (slots !== this.slots) {
          if (w.state === PENDING) i--;
          continue;
        }
        const charge = charges[result.index]!;
        const s = slots.indexOf(charge.slot);
        const resumeAt = until + this.earlyMs;
        if (w.state !== PENDING) continue;
        this.hold(w, t, resumeAt, this.usage(charge.slot, result.used));
        // Everyone behind this request that needs the same limit waits for it: no overtaking on a full limit.
        // A request that gave up (maxWaitMs) holds nobody back.
        if (w.state !== PENDING) continue;
        const blockedFor = isCancel ? this.blockedAll : this.blockedNormal;
        if (resumeAt > blockedFor[s]!) blockedFor[s] = resumeAt;
        this.blockedUsed[s] = result.used;
      }
    }
  }

  /** The limit `w` needs that is known to be full for it now (the one that frees up last), or undefined. */
  private blockingSlot(w: Waiter, t: number, isCancel: boolean): { slot: number; until: number } | undefined {
    let found: { slot: number; until: number } | undefined;
    for (let s = 0; s < this.slots.length; s++) {
      const until = isCancel ? this.blockedAll[s]! : Math.max(this.blockedAll[s]!, this.blockedNormal[s]!);
      if (until > t && w.amount(this.slots[s]!.type) > 0 && (found === undefined || until > found.until)) {
        found = { slot: s, until };
      }
    }
    return found;
  }

  /** `w` must wait until `resumeAt`: fail it now if that is past its deadline, else tell listeners once. */
  private hold(w: Waiter, t: number, resumeAt: number, limit: ThrottleLimitUsage | undefined): void {
    const waitMs = resumeAt - t;
    if (resumeAt > w.deadline) {
      this.finish(w);
      w.reject(this.throttleError(w, waitMs, limit));
      return;
    }
    if (!w.announced) {
      w.announced = true;
      if (this.waitListeners.size > 0) {
        emit(this.waitListeners, {
          label: safeLabel(w.label),
          weight: w.weight,
          orders: w.orders,
          waitMs,
          reason: limit === undefined ? 'pause' : 'limit',
          limit,
          queued: this.queued,
        });
      }
    }
  }

  /** Sets the timer for the earliest moment a waiting request may go. */
  private sleep(): void {
    if (this.queued === 0 || this.pumping) return;
    let resumeAt = Number.POSITIVE_INFINITY;
    const t = this.now();
    if (this.pausedUntil + this.earlyMs > t) resumeAt = this.pausedUntil + this.earlyMs;
    else {
      for (const until of this.blockedAll) if (until > t && until < resumeAt) resumeAt = until;
      for (const until of this.blockedNormal) if (until > t && until < resumeAt) resumeAt = until;
    }
    // Nothing known to be full any more (time moved on during the pass): try again shortly. Never 0 ms, so a
    // store that keeps answering "full until a moment already past" cannot spin the event loop.
    if (resumeAt === Number.POSITIVE_INFINITY) resumeAt = t + 1;
    this.cancelWake();
    this.wake = this.timers.setTimeout(
      () => {
        this.wake = undefined;
        void this.pump();
      },
      // A longer delay would fire at once (timers hold at most 2^31-1 ms); the pump sleeps again when it wakes early.
      Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(resumeAt - t))),
    );
  }

  private compact(): void {
    for (const queue of [this.cancels, this.normals]) {
      let keep = 0;
      for (const w of queue) if (w.state === PENDING) queue[keep++] = w;
      queue.length = keep;
    }
  }

  /** The windows a request released at `t` may be counted in, for every limit it uses. */
  private chargesFor(w: Waiter, t: number): Charge[] {
    const lo = t - this.earlyMs;
    const hi = t + this.lateMs;
    const charges: Charge[] = [];
    for (const slot of this.slots) {
      const amount = w.amount(slot.type);
      if (amount <= 0) continue;
      for (let start = windowStart(lo, slot.intervalMs); start <= hi; start += slot.intervalMs) {
        charges.push(new Charge(slot, start, amount));
      }
    }
    return charges;
  }

  private grant(w: Waiter, t: number, charges: Charge[], confirmed: readonly number[]): void {
    for (let i = 0; i < charges.length; i++) charges[i]!.confirmedAtReserve = confirmed[i] ?? 0;
    this.finish(w);
    w.resolve(new GrantedPermit(this, w, t, charges));
  }

  private failAllBanned(t: number): void {
    this.cancelWake();
    this.failAll((w) => this.banError(t, w.label));
  }

  private failAll(errorFor: (w: Waiter) => unknown): void {
    for (const queue of [this.cancels, this.normals]) {
      for (const w of queue) {
        if (w.state !== PENDING) continue;
        this.finish(w);
        w.reject(errorFor(w));
      }
    }
  }

  /**
   * The end of a pause or ban, cut to `MAX_SERVER_WAIT_MS` from now: a hostile `Retry-After` still pauses (for
   * the longest ban Binance gives), it never throws and leaves requests flowing into the ban.
   */
  private untilOf(
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

  private defaultPauseEnd(t: number): number {
    let ms: number | undefined;
    for (const slot of this.slots)
      if (slot.type === 'REQUEST_WEIGHT' && (ms === undefined || slot.intervalMs < ms)) ms = slot.intervalMs;
    ms ??= 60_000;
    return windowStart(t, ms) + ms;
  }

  private usage(slot: Slot, used: number): ThrottleLimitUsage {
    return { ...slot.limit, capacity: slot.capacity, used };
  }

  private throttleError(w: Waiter, waitMs: number, limit: ThrottleLimitUsage | undefined): BinanceThrottleError {
    const wait = Math.ceil(waitMs);
    const maxWait = w.deadline - w.enqueuedAt;
    const why =
      limit === undefined
        ? `sending is paused after a 429 for another ${wait} ms`
        : `${limit.rateLimitType} ${limit.limit} per ${limit.intervalNum} ${limit.interval} (this process uses up to ${limit.capacity}) has ${limit.used} used and the request needs ${w.amount(limit.rateLimitType)}; room again in ${wait} ms`;
    if (this.rateLimitListeners.size > 0) {
      emit(this.rateLimitListeners, {
        source: 'local',
        label: safeLabel(w.label),
        retryAfterMs: wait,
        pausedUntil: limit === undefined ? this.pausedUntil : undefined,
        limit,
      });
    }
    return new BinanceThrottleError({
      message: `Throttled ${describe(w.label)}: ${why}, longer than maxWaitMs ${maxWait}. Nothing was sent.`,
      retryAfterMs: wait,
      executed: 'no',
      retryable: true,
      rateLimit: limit === undefined ? undefined : { ...this.publicLimit(limit) },
    });
  }

  private publicLimit(limit: RateLimit): RateLimit {
    return {
      rateLimitType: limit.rateLimitType,
      interval: limit.interval,
      intervalNum: limit.intervalNum,
      limit: limit.limit,
    };
  }

  private tooHeavy(slot: Slot, amount: number, label: string | undefined): BinanceThrottleError {
    const l = slot.limit;
    if (this.rateLimitListeners.size > 0) {
      emit(this.rateLimitListeners, {
        source: 'local',
        label: safeLabel(label),
        retryAfterMs: 0,
        pausedUntil: undefined,
        limit: this.usage(slot, 0),
      });
    }
    return new BinanceThrottleError({
      message:
        `Throttled ${describe(label)}: it needs ${amount} but ${l.rateLimitType} ${l.limit} per ${l.intervalNum} ${l.interval} ` +
        `lets this process use at most ${slot.capacity} in a window (safety ${this.safety}), so it can never be sent. Nothing was sent.`,
      executed: 'no',
      retryable: false,
      rateLimit: this.publicLimit(l),
    });
  }

  private banError(t: number, label: string | undefined): BinanceIpBanError {
    const retryAfterMs = Math.max(0, Math.ceil(this.bannedUntil + this.earlyMs - t));
    return new BinanceIpBanError({
      message: `The IP is banned (418) until ${new Date(this.bannedUntil).toISOString()}, ${retryAfterMs} ms from now; ${describe(label)} was not sent.`,
      retryAfterMs,
      bannedUntil: new Date(this.bannedUntil),
      executed: 'no',
      retryable: true,
      status: 418,
    });
  }

  private buildSnapshot(t: number, state: RateStoreState | undefined): ThrottleSnapshot {
    const limits: ThrottleSnapshot['limits'] = [];
    for (const slot of this.slots) {
      const start = windowStart(t, slot.intervalMs);
      let used = 0;
      for (const w of state?.windows ?? []) if (w.limitKey === slot.key && w.start === start) used = w.used;
      limits.push({
        ...slot.limit,
        capacity: slot.capacity,
        used,
        windowStart: start,
        windowEnd: start + slot.intervalMs,
      });
    }
    const snapshot: ThrottleSnapshot = { limits, queued: this.queued };
    const paused = Math.max(this.pausedUntil, state?.pausedUntil ?? 0);
    const banned = Math.max(this.bannedUntil, state?.bannedUntil ?? 0);
    if (paused > t) snapshot.pausedUntil = paused;
    if (banned > t) snapshot.bannedUntil = banned;
    return snapshot;
  }
}

function limitProblem(input: ThrottleLimit, where: string): Error | undefined {
  if (input === null || typeof input !== 'object')
    return new TypeError(`${where} must be a rate limit object, got ${show(input)}`);
  if (!TYPES.has(input.rateLimitType)) {
    return new TypeError(
      `${where}.rateLimitType must be REQUEST_WEIGHT, ORDERS or RAW_REQUESTS, got ${show(input.rateLimitType)}`,
    );
  }
  if (!Object.hasOwn(INTERVAL_MS, input.interval)) {
    return new TypeError(`${where}.interval must be SECOND, MINUTE, HOUR or DAY, got ${show(input.interval)}`);
  }
  if (!Number.isInteger(input.intervalNum) || input.intervalNum < 1) {
    return new RangeError(`${where}.intervalNum must be a positive integer, got ${show(input.intervalNum)}`);
  }
  if (!Number.isInteger(input.limit) || input.limit < 1) {
    return new RangeError(`${where}.limit must be a positive integer, got ${show(input.limit)}`);
  }
  if (
    input.intervalMs !== undefined &&
    !(typeof input.intervalMs === 'number' && input.intervalMs >= 1 && Number.isFinite(input.intervalMs))
  ) {
    return new RangeError(`${where}.intervalMs must be a number of ms >= 1, got ${show(input.intervalMs)}`);
  }
  return undefined;
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

function abortError(label: string | undefined, signal: AbortSignal): BinanceAbortError {
  return new BinanceAbortError({
    message: `${describe(label)} was aborted while waiting for rate-limit budget; nothing was sent.`,
    executed: 'no',
    cause: signal.reason,
  });
}

function describe(label: string | undefined): string {
  return label === undefined ? 'the request' : label;
}

function safeLabel(label: string | undefined): string | undefined {
  return label === undefined ? undefined : redactText(label);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

function subscribe<T>(set: Set<(event: T) => void>, listener: (event: T) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError(`listener must be a function, got ${show(listener)}`);
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

function emit<T>(set: Set<(event: T) => void>, event: T): void {
  for (const listener of set) {
    try {
      listener(event);
    } catch {
      // A listener's bug must not stall the queue or leak into an unrelated request's promise.
    }
  }
}
