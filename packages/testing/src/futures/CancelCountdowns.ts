import type { AccountBook } from '../orders/AccountBook.ts';
import type { FuturesEngine } from './FuturesEngine.ts';

/** setTimeout's longest delay (about 24.8 days); Node fires a longer one after 1 ms. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * The kill switch of `POST /fapi/v1/countdownCancelAll`: one countdown per account and symbol, each replaced by the
 * next heartbeat. When one runs out, every open order of its symbol is cancelled. The timers are unref'd, so a
 * countdown left running never holds a test process open.
 */
export class CancelCountdowns {
  private readonly futures: FuturesEngine;
  private readonly now: () => number;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** `now` is the exchange's clock, which stamps the cancelled orders. */
  constructor(futures: FuturesEngine, now: () => number) {
    this.futures = futures;
    this.now = now;
  }

  /** Starts the countdown of `symbol` over from `ms`, or stops it when `ms` is 0. */
  set(book: AccountBook, symbol: string, ms: number): void {
    const key = `${book.apiKey} ${symbol}`;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    // A countdown beyond setTimeout's reach outlives any test run: it never fires.
    if (ms === 0 || ms > MAX_DELAY_MS) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.futures.cancelAll(book, symbol, this.now());
    }, ms);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Stops every countdown. */
  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
