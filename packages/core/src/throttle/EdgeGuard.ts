/** The edge guard before enough round trips are known, ms: covers the one-way latency of most links. */
export const EDGE_GUARD_INITIAL_MS = 500;
/** The least the derived edge guard goes down to, ms: event-loop stalls and GC pauses fit under it. */
export const EDGE_GUARD_FLOOR_MS = 50;
/** The most the derived edge guard goes up to, ms (Binance rejects signed requests that take longer by default). */
export const EDGE_GUARD_CEILING_MS = 5000;
/** Round trips the derived edge guard needs before it replaces the initial value. */
export const EDGE_GUARD_MIN_SAMPLES = 16;

/** How many recent round trips the percentile is taken over. */
const SAMPLES = 256;
/** The percentile gets recomputed after this many new round trips (a higher one raises it at once). */
const RECOMPUTE_EVERY = 32;
const PERCENTILE = 0.99;

/**
 * How long after its release a request may still be counted by the server, in ms: the `edgeGuardMs` of a
 * `WeightLimiter`. Fixed when the user sets it; otherwise derived from the round trips it is shown (each
 * request from release to response, and the clock's `/time` samples).
 *
 * The server counts a request when it arrives: at most one round trip after release, plus the clock estimate's
 * error, which is at most half the best round trip. So the guard is `1.5 × p99 + 1` of the last 256 round trips,
 * kept between 50 ms and 5 s. It rises at once when a round trip needs more (a machine under load answers late)
 * and comes back down when the percentile is recomputed, every 32 round trips. Until 16 round trips are known it
 * stays at 500 ms, or higher when those it has seen need more.
 */
export class EdgeGuard {
  /** Whether the user set the value (it then never changes). */
  readonly fixed: boolean;
  #ms: number;
  readonly #ring = new Float64Array(SAMPLES);
  /** The largest trips of a recompute, largest first. */
  readonly #top = new Float64Array(SAMPLES - Math.ceil(PERCENTILE * SAMPLES) + 1);
  #count = 0;
  #next = 0;
  #sinceRecompute = 0;

  /** @param fixedMs the user's `edgeGuardMs`, or `undefined` to derive it. */
  constructor(fixedMs: number | undefined) {
    this.fixed = fixedMs !== undefined;
    this.#ms = fixedMs ?? EDGE_GUARD_INITIAL_MS;
  }

  /** The current edge guard, ms. */
  get ms(): number {
    return this.#ms;
  }

  /** Round trips seen so far (at most the 256 the percentile is taken over). */
  get samples(): number {
    return this.#count;
  }

  /** Takes one round trip (release to response), in ms. Ignores anything that is not a finite, non-negative number. */
  observe(rttMs: number): void {
    if (this.fixed || !(rttMs >= 0) || rttMs === Number.POSITIVE_INFINITY) return;
    this.#ring[this.#next] = rttMs;
    this.#next = (this.#next + 1) % SAMPLES;
    if (this.#count < SAMPLES) this.#count++;
    const needed = guardFor(rttMs);
    if (needed > this.#ms) this.#ms = needed;
    if (this.#count < EDGE_GUARD_MIN_SAMPLES) return;
    if (this.#count === EDGE_GUARD_MIN_SAMPLES || ++this.#sinceRecompute >= RECOMPUTE_EVERY) this.#recompute();
  }

  #recompute(): void {
    this.#sinceRecompute = 0;
    const n = this.#count;
    // The percentile of n trips is the k-th largest, and k is small (3 of 256): one pass keeps the k largest.
    const k = n - Math.ceil(PERCENTILE * n) + 1;
    const top = this.#top.fill(Number.NEGATIVE_INFINITY, 0, k);
    const ring = this.#ring;
    // The smallest of the k kept so far, in a local: nearly every trip is below it, and that test is the whole loop.
    let least = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const rtt = ring[i]!;
      if (rtt <= least) continue;
      let j = k - 1;
      for (; j > 0 && top[j - 1]! < rtt; j--) top[j] = top[j - 1]!;
      top[j] = rtt;
      least = top[k - 1]!;
    }
    this.#ms = guardFor(least);
  }
}

/** The guard a round trip of `rttMs` needs: the trip plus the clock's error (half a trip), rounded up and bounded. */
function guardFor(rttMs: number): number {
  return Math.min(EDGE_GUARD_CEILING_MS, Math.max(EDGE_GUARD_FLOOR_MS, Math.ceil(1.5 * rttMs + 1)));
}
