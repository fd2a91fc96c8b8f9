/** The three states of a circuit breaker. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** What the guard needs from a circuit breaker, so opossum can be swapped for another implementation. */
export interface Breaker {
  /**
   * Runs one attempt through the breaker. While open it rejects at once with `BinanceCircuitOpenError` and
   * `fn` is not called. `bypass` runs `fn` whatever the state, without counting it (cancels).
   */
  run<T>(fn: () => Promise<T>, options?: { bypass?: boolean | undefined }): Promise<T>;
  readonly state: BreakerState;
  /** ms until an open breaker lets a probe through; 0 when closed or half-open. */
  retryAfterMs(): number;
  onStateChange(listener: (state: BreakerState, previous: BreakerState) => void): () => void;
  /** Stops the breaker's timers. */
  shutdown(): void;
}
