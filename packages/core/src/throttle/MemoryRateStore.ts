import { Charge } from './Charge.ts';
import type {
  RateStore,
  RateStoreState,
  ReserveResult,
  SettledCharge,
  WindowCharge,
  WindowState,
} from './RateStore.ts';
import { windowStart } from './windows.ts';

/** Counters of one window. */
export class Counter {
  inFlight = 0;
  settled = 0;
  confirmed = 0;
  foreign = 0;
  observed = -1;
  /** What this window's settled requests that came back with a server count added to it. */
  reported = 0;
  /** What requests answered after the window's end added to it: they may have arrived in the next one. */
  late = 0;
  /** The part of `inFlight` charged to the next window as well: that window counts it itself. */
  straddling = 0;
  /** The same limit's window that ends where this one starts, while the store keeps it. */
  previous: Counter | undefined = undefined;
  /** Cleared when the store forgets the window: a lane that remembered it looks it up again. */
  live = true;
  readonly store: MemoryRateStore;
  readonly start: number;
  readonly end: number;

  constructor(store: MemoryRateStore, start: number, end: number) {
    this.store = store;
    this.start = start;
    this.end = end;
  }

  get used(): number {
    return this.inFlight + this.settled + this.foreign;
  }

  /**
   * What a reservation here is checked against: `used`, and what the previous window's requests may still add (see
   * `RateStore`): those not yet answered and not charged here too, and those answered after its end.
   */
  get load(): number {
    const previous = this.previous;
    return previous === undefined ? this.used : this.used + previous.inFlight - previous.straddling + previous.late;
  }

  /** Takes `amount` into `inFlight`; `straddles`: the request is charged to the next window as well. */
  reserve(amount: number, straddles: boolean): void {
    this.inFlight += amount;
    if (straddles) this.straddling += amount;
  }

  /**
   * Moves `amount` reserved here from in flight to `counted`, and takes in the server's count of the window when the
   * request certainly landed in it (`serverCount`, read from its response; `confirmedAtReserve` as it reserved).
   * `late`: answered after the window's end (see `SettledCharge.late`); `straddles`: as it was reserved.
   */
  settle(
    amount: number,
    straddles: boolean,
    counted: number,
    certain: boolean,
    late: boolean,
    serverCount: number | undefined,
    confirmedAtReserve: number,
  ): void {
    this.release(amount, straddles);
    this.settled += counted;
    if (certain) this.confirmed += counted;
    if (late) this.late += counted;
    if (serverCount === undefined) return;
    this.foreign = foreignAfter(this.foreign, this.observed, this.reported, counted, serverCount, confirmedAtReserve);
    if (serverCount > this.observed) this.observed = serverCount;
    this.reported += counted;
  }

  /** Takes `amount` out of `inFlight`, as it was reserved: answered, or never sent. */
  release(amount: number, straddles: boolean): void {
    this.inFlight = Math.max(0, this.inFlight - amount);
    if (straddles) this.straddling = Math.max(0, this.straddling - amount);
  }
}

/**
 * Others' usage of a window after a response of ours reported the server's count of it (see `RateStore`'s `settle`).
 * Within a window the server's count only grows. The newest count holds this request and every request of ours that
 * reported an older one (and what had certainly landed when this one was reserved); the rest is someone else's, or
 * ours still in flight. A count older than the newest is a request of ours inside it, taken there for someone
 * else's: it comes off. Taking our own concurrent requests for others' would count a burst twice.
 */
function foreignAfter(
  foreign: number,
  observed: number,
  reported: number,
  counted: number,
  serverCount: number,
  confirmedAtReserve: number,
): number {
  if (serverCount > observed) return Math.max(0, serverCount - counted - Math.max(reported, confirmedAtReserve));
  return Math.max(0, foreign - counted);
}

const RESOLVED = Promise.resolve();

// Windows are kept this long after they end: a late settle or a server clock that steps back a little must not
// find a fresh, empty window where the old one was.
const KEEP_AFTER_END_MS = 60_000;

/**
 * The default {@link RateStore}: counters in this process's memory. Right for one process per IP; several
 * processes behind one IP need a shared store (`@binance-errors/redis`).
 *
 * Its promises resolve at once; all work happens synchronously inside each call, so every call is atomic. The
 * `…Sync` methods do the same work without a promise, which lets the limiter grant and settle synchronously.
 */
export class MemoryRateStore implements RateStore {
  // limitKey → live windows of that limit, oldest first; rarely more than three.
  private readonly windows = new Map<string, Counter[]>();
  private pausedUntil = 0;
  private bannedUntil = 0;
  private readonly counters: Counter[] = [];

  reserve(at: number, charges: readonly WindowCharge[]): Promise<ReserveResult> {
    return Promise.resolve(this.reserveSync(at, charges));
  }

  settle(charges: readonly SettledCharge[]): Promise<void> {
    this.settleSync(charges);
    return RESOLVED;
  }

  release(charges: readonly WindowCharge[]): Promise<void> {
    this.releaseSync(charges);
    return RESOLVED;
  }

  settleSync(charges: readonly SettledCharge[]): void {
    for (let i = 0; i < charges.length; i++) {
      const c = charges[i]!;
      this.windowOf(c)?.settle(
        c.amount,
        c.straddles === true,
        c.counted,
        c.certain,
        c.late,
        c.serverCount,
        c.confirmedAtReserve,
      );
    }
  }

  releaseSync(charges: readonly WindowCharge[]): void {
    for (let i = 0; i < charges.length; i++) {
      const c = charges[i]!;
      this.windowOf(c)?.release(c.amount, c.straddles === true);
    }
  }

  /** Whether a reservation at `at` may be made: no pause or ban this store knows of. */
  admits(at: number): boolean {
    return at >= this.bannedUntil && at >= this.pausedUntil;
  }

  setPause(until: number): Promise<void> {
    this.pausedUntil = Math.max(this.pausedUntil, until);
    return Promise.resolve();
  }

  setBan(until: number): Promise<void> {
    this.bannedUntil = Math.max(this.bannedUntil, until);
    return Promise.resolve();
  }

  /**
   * The caller's clock stepped by `ms` (see `WeightLimiter.clockStepped`): times it gave before read `ms` more now.
   * A pause or ban ends as long from now as it did. A window's usage was counted by the server somewhere in the time
   * the window spanned, which now reads `ms` later: it is carried to each window of the new reading that overlaps
   * that time (two, unless the step is whole windows), as usage by others, which the server's next count replaces.
   * Counting it twice costs at most a wait; counting it nowhere would send into a window the server sees full.
   */
  shift(ms: number): void {
    if (this.pausedUntil !== 0) this.pausedUntil += ms;
    if (this.bannedUntil !== 0) this.bannedUntil += ms;
    for (const [limitKey, list] of this.windows) {
      const carried: Counter[] = [];
      for (const old of list) {
        old.live = false;
        if (old.used === 0) continue;
        const length = old.end - old.start;
        const from = old.start + ms;
        for (let start = windowStart(from, length); start < from + length; start += length) {
          let counter = carried.find((c) => c.start === start);
          if (counter === undefined) {
            counter = new Counter(this, start, start + length);
            carried.push(counter);
          }
          counter.foreign += old.used;
        }
      }
      carried.sort((a, b) => a.start - b.start);
      this.windows.set(limitKey, carried);
    }
  }

  getState(at: number): Promise<RateStoreState> {
    return Promise.resolve(this.peekState(at));
  }

  peekState(at: number): RateStoreState {
    const windows: WindowState[] = [];
    for (const [limitKey, list] of this.windows) {
      for (const c of list) {
        if (c.end <= at) continue;
        windows.push({
          limitKey,
          start: c.start,
          end: c.end,
          used: c.used,
          inFlight: c.inFlight,
          settled: c.settled,
          foreign: c.foreign,
        });
      }
    }
    return { pausedUntil: this.pausedUntil, bannedUntil: this.bannedUntil, windows };
  }

  reserveSync(at: number, charges: readonly WindowCharge[]): ReserveResult {
    if (at < this.bannedUntil) return { ok: false, reason: 'ban', until: this.bannedUntil };
    if (at < this.pausedUntil) return { ok: false, reason: 'pause', until: this.pausedUntil };
    // The windows of this reservation, by charge; reused, as a reservation runs to its end before another starts.
    const counters = this.counters;
    let failed = -1;
    let used = 0;
    for (let i = 0; i < charges.length; i++) {
      const charge = charges[i]!;
      const counter = this.window(charge.limitKey, charge.start, charge.end, at);
      counters[i] = counter;
      // When several windows are full, the one that ends last decides how long the request waits.
      const load = counter.load;
      if (
        charge.amount > 0 &&
        load + charge.amount > charge.capacity &&
        (failed === -1 || charge.end > charges[failed]!.end)
      ) {
        failed = i;
        used = load;
      }
    }
    if (failed !== -1) return { ok: false, reason: 'limit', until: charges[failed]!.end, index: failed, used };
    const confirmed = new Array<number>(charges.length);
    for (let i = 0; i < charges.length; i++) {
      const charge = charges[i]!;
      const counter = counters[i]!;
      counter.reserve(charge.amount, charge.straddles === true);
      confirmed[i] = counter.confirmed;
      if (charge instanceof Charge) charge.storeHandle = counter;
    }
    return { ok: true, confirmed };
  }

  /** The window a charge is counted in: the one this store noted on it, else looked up (`undefined` once forgotten). */
  private windowOf(charge: WindowCharge): Counter | undefined {
    // Only a `Charge` this store reserved carries one of its counters; any other charge has none, or another's.
    const noted = (charge as Partial<Charge>).storeHandle;
    if (noted instanceof Counter && noted.store === this) return noted;
    return this.find(charge.limitKey, charge.start);
  }

  private find(limitKey: string, start: number): Counter | undefined {
    const list = this.windows.get(limitKey);
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) if (list[i]!.start === start) return list[i];
    return undefined;
  }

  /** The counters of the window of `limitKey` starting at `start`, made if it is new. */
  window(limitKey: string, start: number, end: number, at: number): Counter {
    let list = this.windows.get(limitKey);
    if (list === undefined) {
      list = [];
      this.windows.set(limitKey, list);
    }
    for (let i = 0; i < list.length; i++) if (list[i]!.start === start) return list[i]!;
    const created = new Counter(this, start, end);
    // Creating a window is the moment to forget those long past; it happens once per window, not per request.
    let keep = 0;
    for (const c of list) {
      if (c.end + KEEP_AFTER_END_MS > at) {
        list[keep++] = c;
        if (c.end === start) created.previous = c;
        else if (c.start === end) c.previous = created;
      } else {
        c.live = false;
        // A forgotten window holds on to none before it: the links never chain further back than the store keeps.
        c.previous = undefined;
      }
    }
    list.length = keep;
    list.push(created);
    list.sort((a, b) => a.start - b.start);
    return created;
  }
}
