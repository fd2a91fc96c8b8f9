/**
 * Capped exponential backoff with full jitter: a delay drawn uniformly from [0, min(cap, base × 2^(attempt-1))].
 * Full jitter spreads retries of many clients hit by the same failure, instead of synchronising them.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}
