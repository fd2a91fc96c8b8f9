/**
 * One window a request is charged to: the window of one limit, with the amount the request adds (weight, orders
 * or 1 raw request) and the window's capacity. A request near a window boundary is charged to every window it may
 * be counted in.
 */
export interface WindowCharge {
  /** Identity of the limit, shared by every process using the store, e.g. `REQUEST_WEIGHT:1MINUTE`. */
  readonly limitKey: string;
  /** Window start, server-clock ms. */
  readonly start: number;
  /** Window end (exclusive), server-clock ms. The store may forget the window once it has passed. */
  readonly end: number;
  /** What the request adds: weight, orders, or 1. */
  readonly amount: number;
  /** How much the window may hold in total (the limit × safety). */
  readonly capacity: number;
  /**
   * Whether the request is charged to the same limit's next window as well (it may arrive in either): that window
   * counts it in its own `inFlight`, so it is not carried there from this one.
   */
  readonly straddles?: boolean | undefined;
}

/** A charge after its response: what the server counted, and what it reported. */
export interface SettledCharge extends WindowCharge {
  /**
   * What the server counted for the request in this window: `amount`; less when a successful order call was free;
   * 0 when the request certainly landed in another window.
   */
  readonly counted: number;
  /** Whether the request certainly landed in this window (it could not have reached the server in another). */
  readonly certain: boolean;
  /** The usage header's value for this window (`X-MBX-USED-WEIGHT-1M`, …), or `undefined` when none applies. */
  readonly serverCount: number | undefined;
  /** The window's `confirmed` total when this request was reserved (from {@link ReserveResult}). */
  readonly confirmedAtReserve: number;
  /**
   * Whether the answer came after this window's end while the request has no charge in the next window: it may have
   * reached the server there (it left the process late, behind a connection pool or a busy event loop).
   */
  readonly late: boolean;
}

/** Why a reservation was refused, and the server time (ms) until which it will be. */
export type ReserveFailure =
  | { ok: false; reason: 'limit'; until: number; index: number; used: number }
  | { ok: false; reason: 'pause'; until: number }
  | { ok: false; reason: 'ban'; until: number };

/**
 * The answer to {@link RateStore.reserve}. On success, `confirmed[i]` is the `confirmed` total of `charges[i]`'s
 * window at that moment; the limiter hands it back on settle.
 */
export type ReserveResult = { ok: true; confirmed: readonly number[] } | ReserveFailure;

/** Usage of one window as the store knows it. */
export interface WindowState {
  limitKey: string;
  start: number;
  end: number;
  /** Everything counted against the window: `inFlight + settled + foreign`. */
  used: number;
  /** Reserved by requests still in flight. */
  inFlight: number;
  /** Counted for settled requests. */
  settled: number;
  /** Estimated usage by others on the same IP (or account), learnt from the server's headers. */
  foreign: number;
}

/** Everything a store holds. */
export interface RateStoreState {
  /** Server ms until which nothing may be sent after a 429, or 0. */
  pausedUntil: number;
  /** Server ms until which the IP is banned (418), or 0. */
  bannedUntil: number;
  windows: WindowState[];
}

/**
 * Where a {@link WeightLimiter} keeps its counters. Asynchronous so that a shared store (Redis) can back many
 * processes behind one IP without changing the limiter.
 *
 * Per window the store keeps `inFlight`, `settled`, `confirmed` (the part of `settled` that certainly landed in
 * the window), `foreign`, `observed` (the highest server count seen), `reported` (the part of `settled` whose
 * responses carried a server count), `late` (the part of `settled` answered after the window's end, see
 * {@link SettledCharge.late}) and `straddling` (the part of `inFlight` also charged to the next window, see
 * {@link WindowCharge.straddles}); `used = inFlight + settled + foreign`.
 *
 * A request is charged to the windows it may arrive in as seen at its release, but it can leave the process later:
 * a burst waits behind a connection pool or a busy event loop, and reaches the server in the next window. So the
 * previous window's `inFlight` (not yet answered: it may still arrive now), less its `straddling` (this window
 * counts those itself), and `late` (answered after its end: it may have arrived in this one) count in a window too:
 * its `load = used + previous.inFlight − previous.straddling + previous.late`, where `previous` is the same limit's
 * window that ends where this one starts.
 *
 * Every method is a single atomic step, so a Redis implementation is one Lua script per method:
 * - `reserve`: check ban, pause, then `load + amount <= capacity` for every charge of a positive amount (a charge of
 *   0 is there for the server's count: never refused); only if all pass, add `amount` to each `inFlight` (and to
 *   `straddling` when the charge `straddles`; all or nothing) and return each window's `confirmed`. A refusal
 *   reports the window's `load` as `used`.
 * - `settle`: per charge, `inFlight -= amount` (and `straddling` when it `straddles`), `settled += counted`,
 *   `confirmed += counted` when `certain`, and `late += counted` when `late`. `release` takes `amount` off the same
 *   two.
 *   When `serverCount` is set: above `observed` it is the newest count (counts only grow within a window), which
 *   holds this request and every one that reported before it: `foreign = max(0, serverCount − counted −
 *   max(reported, confirmedAtReserve))` and `observed = serverCount`. At or below `observed`, this request is inside
 *   the newest count, where it was taken for someone else's: `foreign = max(0, foreign − counted)`. Then
 *   `reported += counted`. So a burst of concurrent requests is counted once, and `settled + foreign` never falls
 *   below `observed`.
 * - Windows may be dropped once `end` has passed: a settle for a missing window is ignored.
 * - "Server ms" is the caller's clock, which is the exchange's only once it has synced (a process that sends nothing
 *   signed reads the host's). A store shared by processes keeps a pause or ban as the time left, `until − at`, and
 *   answers a caller's `at` plus what is left: an end written on one process's clock means nothing on another's.
 */
export interface RateStore {
  /**
   * Reserves every charge, or none.
   * @param at the earliest server time (ms) at which the request may be counted; pause and ban are judged by it.
   */
  reserve(at: number, charges: readonly WindowCharge[]): Promise<ReserveResult>;
  /** Records the outcome of reserved charges (see the interface description). */
  settle(charges: readonly SettledCharge[]): Promise<void>;
  /** Returns reserved charges of a request that was never sent. */
  release(charges: readonly WindowCharge[]): Promise<void>;
  /**
   * Nothing may be sent before `until` (server ms). Only ever extends the pause.
   * @param at the caller's time now, reckoned as {@link reserve}'s `at`: the pause lasts `until − at` from now.
   */
  setPause(until: number, at: number): Promise<void>;
  /**
   * The IP is banned until `until` (server ms). Only ever extends the ban.
   * @param at the caller's time now, reckoned as {@link reserve}'s `at`: the ban lasts `until − at` from now.
   */
  setBan(until: number, at: number): Promise<void>;
  /** Every window that has not ended before `at` (server ms), with pause and ban. */
  getState(at: number): Promise<RateStoreState>;
  /** The same as `getState`, synchronously, for stores that can (the in-memory one). */
  peekState?(at: number): RateStoreState;
  /**
   * The same as `reserve`, synchronously, for stores that can (the in-memory one): the limiter then grants a
   * request that needs no wait without a round of promises.
   */
  reserveSync?(at: number, charges: readonly WindowCharge[]): ReserveResult;
  /** The same as `settle`, synchronously, for stores that can. */
  settleSync?(charges: readonly SettledCharge[]): void;
  /** The same as `release`, synchronously, for stores that can. */
  releaseSync?(charges: readonly WindowCharge[]): void;
}
