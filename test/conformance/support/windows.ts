/**
 * The weight the exchange received in each full window between a burst's first and last request, in window order
 * (the first and last windows are cut off by the burst and left out).
 */
export function fullWindowWeights(
  requests: readonly { time: number; weight: number }[],
  windowMs: number,
): { window: number; weight: number }[] {
  const byWindow = new Map<number, number>();
  for (const r of requests) {
    const window = Math.floor(r.time / windowMs);
    byWindow.set(window, (byWindow.get(window) ?? 0) + r.weight);
  }
  return [...byWindow.entries()]
    .sort(([a], [b]) => a - b)
    .slice(1, -1)
    .map(([window, weight]) => ({ window, weight }));
}

/**
 * Waits until the exchange's clock is clear of the last 500 ms of a `windowMs` window: the edge guard a limiter
 * uses before any round trip is measured, which charges a request released there to both windows. A burst that
 * starts here measures the guard's steady state instead.
 */
export async function startClearOfColdEdge(exchange: { now(): number }, windowMs: number): Promise<void> {
  const intoWindow = exchange.now() % windowMs;
  if (intoWindow >= windowMs - 500) await new Promise((resolve) => setTimeout(resolve, windowMs - intoWindow + 10));
}
