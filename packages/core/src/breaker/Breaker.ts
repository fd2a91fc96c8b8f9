/** The three states of a circuit breaker. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** What the guard needs from a circuit breaker, so opossum can be swapped for another implementation. */
export interface Breaker {
  /**
   * Runs one attempt through the breaker. While open it rejects at once with `BinanceCircuitOpenError` and
   * `fn` is not called. `bypass` runs `fn` whatever the state, without counting it (cancels).
   */
  run<T>(fn: () => Promise<T>, options?: { bypass?: boolean | undefined }): Promise<T>;
  /**
   * Counts the outcome of an attempt sent without `run` while the breaker was closed — how the guard sends nearly
   * every attempt, with no wrapper per request: `failed` with the error it failed with, or a success. Returns a
   * promise while a failure is being counted (the breaker may open), to await before the error goes on. A breaker
   * without it has every attempt sent through `run`.
   */
  record?(failed: boolean, error?: unknown): Promise<void> | undefined;
  readonly state: BreakerState;
  /**
   * ms until an open breaker lets a probe through; while half-open with its probe in flight, until that probe's
   * verdict is due (the breaker opens again if none came); 0 when closed, or half-open with no probe sent yet.
   */
  retryAfterMs(): number;
  onStateChange(listener: (state: BreakerState, previous: BreakerState) => void): () => void;
  /** Stops the breaker's timers. */
  shutdown(): void;
}
