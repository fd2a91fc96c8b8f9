/** The timer functions {@link weakInterval} arms and clears its interval with. */
export interface IntervalTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** The host's own timers, looked up at each call (so that fake timers installed later apply). */
export const hostIntervals: IntervalTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

/**
 * Calls `tick(owner)` every `ms` ms for as long as `owner` lives. The interval is unref'd, so it does not keep the
 * process running, and it holds `owner` only weakly, so it does not keep `owner` either: an object the application
 * drops without closing (a guard made per job) is collected with everything it holds, and its interval clears itself
 * on its next tick, instead of running — resyncing a clock over the network, turning a breaker's buckets — for the
 * life of the process. `tick` must not close over `owner` (a module-level function, or a static method that reaches
 * private fields), or the interval holds it again. Returns the function that stops the interval.
 *
 * @example
 * ```ts
 * const resyncInBackground = (clock: ServerClock) => void clock.resync().catch(() => {});
 * // in a method of ServerClock:
 * this.#stopResync = weakInterval(this, 600_000, resyncInBackground);
 * ```
 */
export function weakInterval<T extends object>(
  owner: T,
  ms: number,
  tick: (owner: T) => void,
  timers: IntervalTimers = hostIntervals,
): () => void {
  const ref = new WeakRef(owner);
  const handle = timers.setInterval(() => {
    const live = ref.deref();
    if (live === undefined) timers.clearInterval(handle);
    else tick(live);
  }, ms);
  (handle as { unref?: () => void } | null | undefined)?.unref?.();
  return () => timers.clearInterval(handle);
}
