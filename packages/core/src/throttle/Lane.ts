import { countedOf } from './Charge.ts';
import { publicFields } from './GrantedPermit.ts';
import { headerCount } from './headerCount.ts';
import type { Counter, MemoryRateStore } from './MemoryRateStore.ts';
import { amountFor, type Claim, isCharged, type Slot } from './Slot.ts';
import type { AcquireRequest, Permit } from './types.ts';
import { windowStart } from './windows.ts';

/**
 * The common case of a limiter on a {@link MemoryRateStore}, kept apart from the general path: one acquire request
 * (the same frozen object every time, as the guard passes for every call to an endpoint) that lands in one window
 * per limit. Its limits and amounts are worked out once and each limit's current window is remembered, so a grant
 * is a check and an add per limit, and a settle is the store's own bookkeeping for the one window each. That is
 * what the general path's `Charge`s come to in this case, without building them: 1–1.5 µs less per request beside
 * axios and ky in a loop like B1's.
 */
export class Lane {
  readonly claim: Claim;
  /** The request's own fields its permits show. */
  readonly label: string | undefined;
  readonly weightOnSuccess: number | undefined;
  /** The limits the request is charged to, and what it adds to each. */
  readonly slots: readonly Slot[];
  readonly amounts: readonly number[];
  /** Each limit's current window, as of the last reservation; replaced whole when one of them changes. */
  #windows: readonly Counter[] = [];
  /** Where every window in `#windows` is current (server ms): from the latest start to before the earliest end. */
  #from = Number.POSITIVE_INFINITY;
  #until = Number.NEGATIVE_INFINITY;

  constructor(slots: readonly Slot[], request: AcquireRequest, claim: Claim) {
    this.claim = claim;
    this.label = request.label;
    this.weightOnSuccess = request.weightOnSuccess;
    const charged: Slot[] = [];
    const amounts: number[] = [];
    for (const slot of slots) {
      const amount = amountFor(slot, claim);
      if (!isCharged(slot, claim, amount)) continue;
      charged.push(slot);
      amounts.push(amount);
    }
    this.slots = charged;
    this.amounts = amounts;
  }

  /**
   * Reserves the request in `store` when, for every limit, one window holds the whole span it may arrive in
   * (`at` to `hi`, server ms) and has room for it. Returns those windows (shared by every permit reserved in
   * them); `undefined`, with nothing reserved, when a span crosses a window's end or a window is full (the general
   * path then decides).
   */
  reserve(store: MemoryRateStore, at: number, hi: number): readonly Counter[] | undefined {
    const windows =
      at >= this.#from && hi < this.#until && allLive(this.#windows) ? this.#windows : this.#find(store, at, hi);
    if (windows === undefined) return undefined;
    const { slots, amounts } = this;
    for (let i = 0; i < slots.length; i++) {
      if (amounts[i]! > 0 && windows[i]!.load + amounts[i]! > slots[i]!.capacity) return undefined;
    }
    for (let i = 0; i < slots.length; i++) windows[i]!.reserve(amounts[i]!, false);
    return windows;
  }

  /**
   * Each limit's window holding `at` to `hi`, looked up in `store` and remembered; `undefined`, with no window looked
   * up, when a span crosses an end.
   */
  #find(store: MemoryRateStore, at: number, hi: number): readonly Counter[] | undefined {
    for (const slot of this.slots) if (windowStart(at, slot.intervalMs) + slot.intervalMs <= hi) return undefined;
    let from = Number.NEGATIVE_INFINITY;
    let until = Number.POSITIVE_INFINITY;
    const windows = this.slots.map((slot) => {
      const start = windowStart(at, slot.intervalMs);
      const end = start + slot.intervalMs;
      if (start > from) from = start;
      if (end < until) until = end;
      return store.window(slot.key, start, end, at);
    });
    this.#windows = windows;
    this.#from = from;
    this.#until = until;
    return windows;
  }
}

function allLive(windows: readonly Counter[]): boolean {
  for (let i = 0; i < windows.length; i++) if (!windows[i]!.live) return false;
  return true;
}

/**
 * A permit granted in a {@link Lane}: the windows it holds, in place of charges. Its public fields are the lane's,
 * so a grant stores only what differs per request. It has the limiter's fields of a `GrantedPermit` (owner, grant
 * times, whether it is settled) without sharing a base class: a grant is the lane's hot path, and a constructor of
 * its own, with plain fields, is less code to run than a base's constructor and private fields.
 */
export class LanePermit implements Permit {
  /** The limiter that granted it; a permit settles only with its owner. */
  readonly owner: object;
  readonly grantedAt: number;
  /** Monotonic ms at the grant, for the round trip the edge guard learns from. */
  readonly grantedMono: number;
  done = false;
  readonly lane: Lane;
  readonly windows: readonly Counter[];
  /** Each window's confirmed count when it was reserved in. */
  readonly confirmed: number[];

  constructor(owner: object, lane: Lane, grantedAt: number, grantedMono: number, windows: readonly Counter[]) {
    this.owner = owner;
    this.grantedAt = grantedAt;
    this.grantedMono = grantedMono;
    this.lane = lane;
    this.windows = windows;
    // Sized to fit (pushed onto `[]`, it would take room for 17).
    const confirmed = new Array<number>(windows.length);
    for (let i = 0; i < windows.length; i++) confirmed[i] = windows[i]!.confirmed;
    this.confirmed = confirmed;
  }

  get weight(): number {
    return this.lane.claim.weight;
  }

  get orders(): number {
    return this.lane.claim.orders;
  }

  get label(): string | undefined {
    return this.lane.label;
  }

  get waitedMs(): number {
    return 0;
  }

  get weightOnSuccess(): number | undefined {
    return this.lane.weightOnSuccess;
  }

  /**
   * Settles each window as the store settles a charge: the request's span at release lay inside one window per limit,
   * so it certainly landed there, and a usage header is read for each, unless it was answered after the window ended
   * (`arrivedBy`, server ms: the latest it can have reached the server) — then it may have landed in the next.
   */
  settle(weightOnSuccess: number | undefined, headers: unknown, arrivedBy: number): void {
    const { slots, amounts } = this.lane;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      const amount = amounts[i]!;
      const window = this.windows[i]!;
      const late = arrivedBy >= window.end;
      const serverCount =
        !late && slot.headerLower !== undefined && headers !== undefined
          ? headerCount(headers, slot.headerLower, slot.header!)
          : undefined;
      const counted = countedOf(slot, amount, weightOnSuccess);
      window.settle(amount, false, counted, !late, late, serverCount, this.confirmed[i]!);
    }
  }

  /** Returns what it reserved: its request was never sent. */
  release(): void {
    const { amounts } = this.lane;
    for (let i = 0; i < amounts.length; i++) this.windows[i]!.release(amounts[i]!, false);
  }

  toJSON(): Permit {
    return publicFields(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): Permit {
    return publicFields(this);
  }
}
