/** What the window accounting needs of a request the fake exchange logged. */
export interface LoggedRequest {
  /** When the exchange counted it, server ms. */
  time: number;
  /** The REQUEST_WEIGHT it counted. */
  weight: number;
  status: number;
}

/** One fixed window's share of the limit. */
export interface WindowUse {
  /** Start of the window, server ms. */
  start: number;
  /** Weight of its 2xx answers ÷ limit. */
  used: number;
  /** Weight the exchange counted in it ÷ limit, rejected requests included. */
  counted: number;
}

/** How a run used its limit over the full windows inside it. */
export interface WindowUsage {
  /** Weight of 2xx answers in the full windows ÷ (limit × full windows); `NaN` when no window is full. */
  usedFraction: number;
  /** The busiest full window's counted weight ÷ limit (0 when no window is full). */
  peakWindowFraction: number;
  /** Every full window, in order, empty ones included. */
  windows: WindowUse[];
}

/**
 * The fixed windows of `windowMs` (aligned to server time 0, as the exchange aligns them) that lie wholly inside
 * [`fromMs`, `toMs`], as window indexes `first..last`; `last < first` when none does.
 */
export function fullWindows(fromMs: number, toMs: number, windowMs: number): { first: number; last: number } {
  return { first: Math.ceil(fromMs / windowMs), last: Math.floor(toMs / windowMs) - 1 };
}

/**
 * The limit's use in each window of `windowMs` that lies wholly inside [`fromMs`, `toMs`] (server ms): what a
 * run achieved once its warm-up (`fromMs`) is behind it, not counting the window its load stopped in.
 */
export function windowUsage(
  requests: readonly LoggedRequest[],
  limit: number,
  windowMs: number,
  fromMs: number,
  toMs: number,
): WindowUsage {
  const { first, last } = fullWindows(fromMs, toMs, windowMs);
  const count = Math.max(0, last - first + 1);
  const ok = new Float64Array(count);
  const counted = new Float64Array(count);
  for (const r of requests) {
    const i = Math.floor(r.time / windowMs) - first;
    if (i < 0 || i >= count) continue;
    counted[i]! += r.weight;
    if (r.status >= 200 && r.status < 300) ok[i]! += r.weight;
  }
  const windows = Array.from({ length: count }, (_, i) => ({
    start: (first + i) * windowMs,
    used: ok[i]! / limit,
    counted: counted[i]! / limit,
  }));
  const used = windows.reduce((sum, w) => sum + w.used, 0);
  return {
    usedFraction: count ? used / count : Number.NaN,
    peakWindowFraction: Math.max(0, ...windows.map((w) => w.counted)),
    windows,
  };
}

/**
 * The clock skew, ms, that puts server time `leadMs` before a window boundary at local time `nowMs`: the nearest
 * such skew, between −½ and +½ window. A run that sets it on its exchange starts `leadMs` before a boundary
 * instead of waiting up to a window for one.
 */
export function skewToLead(nowMs: number, windowMs: number, leadMs: number): number {
  const ahead = (((windowMs - leadMs - nowMs) % windowMs) + windowMs) % windowMs;
  return ahead > windowMs / 2 ? ahead - windowMs : ahead;
}
