import type { FakeExchange } from '@binance-errors/testing';

/** How a run used the exchange's request-weight limit, from its request log. */
export interface Usage {
  /** Weight counted per full window, divided by the limit; the first and last (partial) windows are left out. */
  fractions: number[];
  /** Mean of `fractions`, or 0 when no window was full. */
  mean: number;
  /** Lowest of `fractions`. */
  min: number;
  count429: number;
  count418: number;
  requests: number;
}

/** Reads the log of `ex` since `since` (server ms) against a REQUEST_WEIGHT limit of `limit` per `intervalMs`. */
export function usageOf(ex: FakeExchange, limit: number, intervalMs: number, since = 0): Usage {
  const log = ex.requests.filter((r) => r.time >= since);
  const byWindow = new Map<number, number>();
  for (const r of log) {
    const w = Math.floor(r.time / intervalMs);
    byWindow.set(w, (byWindow.get(w) ?? 0) + r.weight);
  }
  const fractions = [...byWindow.entries()]
    .sort(([a], [b]) => a - b)
    .slice(1, -1)
    .map(([, used]) => used / limit);
  return {
    fractions,
    mean: fractions.length === 0 ? 0 : fractions.reduce((a, b) => a + b, 0) / fractions.length,
    min: fractions.length === 0 ? 0 : Math.min(...fractions),
    count429: log.filter((r) => r.status === 429).length,
    count418: log.filter((r) => r.status === 418).length,
    requests: log.length,
  };
}
