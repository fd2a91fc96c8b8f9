import type { GuardSnapshot } from '@binance-errors/core';

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

/**
 * The largest edge guard `guard` used while `work` ran, sampled every 20 ms: a request released within that many ms
 * of a window's end is charged to both windows, so a window holds that much less by design. The guard derives it
 * from the round trips it measures, which grow on a busy machine.
 */
export async function widestEdgeGuard(guard: { snapshot(): GuardSnapshot }, work: Promise<unknown>): Promise<number> {
  const edge = () => guard.snapshot().throttle?.edgeGuardMs ?? 0;
  let widest = edge();
  const sampler = setInterval(() => {
    widest = Math.max(widest, edge());
  }, 20);
  try {
    await work;
  } finally {
    clearInterval(sampler);
  }
  return Math.max(widest, edge());
}
