import { headerCount } from './headerCount.ts';
import type { SettledCharge } from './RateStore.ts';
import { amountFor, type Claim, isCharged, type Slot } from './Slot.ts';
import { windowStart } from './windows.ts';

/** One window a permit is charged to; also the record the store settles. */
export class Charge implements SettledCharge {
  readonly slot: Slot;
  readonly limitKey: string;
  readonly start: number;
  readonly end: number;
  readonly amount: number;
  readonly capacity: number;
  /** Set when the same slot's next window is charged too (see `WindowCharge.straddles`). */
  straddles = false;
  counted = 0;
  certain = false;
  late = false;
  serverCount: number | undefined = undefined;
  confirmedAtReserve = 0;
  /**
   * A synchronous store's note of where it counts this charge, made when it reserves and read back when it settles
   * or releases it, so that it looks the window up once per request (`MemoryRateStore`). The limiter never reads it.
   */
  storeHandle: unknown = undefined;

  constructor(slot: Slot, start: number, amount: number) {
    this.slot = slot;
    this.limitKey = slot.key;
    this.start = start;
    this.end = start + slot.intervalMs;
    this.amount = amount;
    this.capacity = slot.capacity;
  }
}

/**
 * The windows a request may be counted in, for every slot it uses: the server counts it when it arrives, which is
 * between `lo` and `hi` (server ms). Charges of one slot are adjacent, in window order.
 */
export function chargesFor(slots: readonly Slot[], claim: Claim, lo: number, hi: number): Charge[] {
  const charges: Charge[] = [];
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    const amount = amountFor(slot, claim);
    if (!isCharged(slot, claim, amount)) continue;
    let previous: Charge | undefined;
    for (let start = windowStart(lo, slot.intervalMs); start <= hi; start += slot.intervalMs) {
      if (previous !== undefined) previous.straddles = true;
      previous = new Charge(slot, start, amount);
      charges.push(previous);
    }
  }
  return charges;
}

/**
 * Fills in what the server counted, per charge, once the response is in: the request reached the server between
 * `lo` and `hi` (server ms). A window it cannot have landed in counts 0; a successful call's weight is cut to
 * `weightOnSuccess`; a usage header is read only for the one window the request certainly landed in — one from a
 * request that may have crossed a boundary is ignored rather than guessed. When `hi` is past a slot's last window,
 * the request may have landed after it: that charge is `late` (see `SettledCharge.late`) and not certain.
 */
export function settleCharges(
  charges: readonly Charge[],
  lo: number,
  hi: number,
  weightOnSuccess: number | undefined,
  headers: unknown,
): void {
  for (let i = 0; i < charges.length; ) {
    const slot = charges[i]!.slot;
    let j = i;
    let possible = 0;
    for (; j < charges.length && charges[j]!.slot === slot; j++) {
      const c = charges[j]!;
      if (c.start <= hi && c.end > lo) possible++;
    }
    const last = charges[j - 1]!;
    last.late = hi >= last.end;
    if (last.late) possible++;
    for (let k = i; k < j; k++) {
      const c = charges[k]!;
      const here = c.late || (c.start <= hi && c.end > lo);
      c.counted = here ? countedOf(slot, c.amount, weightOnSuccess) : 0;
      c.certain = here && possible === 1;
      c.serverCount =
        c.certain && slot.headerLower !== undefined && headers !== undefined
          ? headerCount(headers, slot.headerLower, slot.header!)
          : undefined;
    }
    i = j;
  }
}

/** What the server counted of `amount` in a window the request landed in: a successful call's weight is cut. */
export function countedOf(slot: Slot, amount: number, weightOnSuccess: number | undefined): number {
  return slot.type === 'REQUEST_WEIGHT' && weightOnSuccess !== undefined ? Math.min(amount, weightOnSuccess) : amount;
}
