import { show } from './show.ts';

/**
 * The listeners of one event, for every class in core that emits any (clock, breaker, limiter, guard) and for the
 * Redis store. `on` returns the function that removes the listener, as cockatiel's events do.
 *
 * @example
 * ```ts
 * readonly #sync = new Listeners<ClockSnapshot>();
 * onSync(listener: (snapshot: ClockSnapshot) => void): () => void {
 *   return this.#sync.on(listener);
 * }
 * ```
 */
export class Listeners<T> {
  #listeners = new Set<(event: T) => void>();

  /**
   * Adds `listener`; returns the function that removes it.
   * @throws TypeError when `listener` is not a function
   */
  on(listener: (event: T) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError(`listener must be a function, got ${show(listener)}`);
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Calls every listener with `event`. A listener that throws is skipped, and one that rejects (an async listener)
   * is observed: neither must break the caller, nor crash the process with an unhandled rejection.
   */
  emit(event: T): void {
    for (const listener of this.#listeners) {
      try {
        const result: unknown = listener(event);
        if (isThenable(result)) result.then(undefined, ignore);
      } catch {
        // A throwing listener must not break the request, the queue or the store that triggered the event.
      }
    }
  }

  /** How many listeners there are; lets a caller skip building an event nobody listens to. */
  get size(): number {
    return this.#listeners.size;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';
}

const ignore = (): void => {};
