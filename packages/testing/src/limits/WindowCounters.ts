import type { ResolvedLimit } from './ResolvedLimit.ts';

/**
 * One fixed-window counter per limit for one client (or account). A window starts at
 * floor(t / intervalMs) × intervalMs on the server clock, so minute windows start at whole minutes and day windows
 * at 00:00 UTC, as on the exchange; a count belongs to the window its request arrived in.
 */
export class WindowCounters {
  private readonly limits: readonly ResolvedLimit[];
  private readonly starts: Float64Array;
  private readonly counts: Float64Array;

  constructor(limits: readonly ResolvedLimit[]) {
    this.limits = limits;
    this.starts = new Float64Array(limits.length).fill(Number.NaN);
    this.counts = new Float64Array(limits.length);
  }

  /** Start of limit `i`'s window containing `t` (server ms). */
  windowStart(i: number, t: number): number {
    const ms = this.limits[i]!.intervalMs;
    return Math.floor(t / ms) * ms;
  }

  /** Usage of limit `i` in the window containing `t`. */
  get(i: number, t: number): number {
    return this.starts[i] === this.windowStart(i, t) ? this.counts[i]! : 0;
  }

  /** Adds `n` (may be negative, never below 0) to limit `i` in the window containing `t`; returns the new usage. */
  add(i: number, t: number, n: number): number {
    const start = this.windowStart(i, t);
    if (this.starts[i] !== start) {
      // A request that arrived in an earlier window and finishes late must not resurrect it.
      if (this.starts[i]! > start) return this.counts[i]!;
      this.starts[i] = start;
      this.counts[i] = 0;
    }
    const next = Math.max(0, this.counts[i]! + n);
    this.counts[i] = next;
    return next;
  }
}
