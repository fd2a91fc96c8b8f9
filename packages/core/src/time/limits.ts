/**
 * The longest delay a JavaScript timer can hold, in ms (2³¹−1, about 24.8 days). Node and browsers silently
 * cut a longer delay to 1 ms, so an option above it would fire its timer continuously.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Binance's longest automatic IP ban, in ms: "from 2 minutes to 3 days". */
export const MAX_BAN_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * The longest wait any server-sent number may impose, in ms (a `Retry-After`, a ban end, a WebSocket API
 * `retryAfter`). Binance's own maximum is its longest ban; a larger value comes from a broken or hostile proxy, and
 * is cut to this rather than ignored, so a ban or pause is always recorded.
 */
export const MAX_SERVER_WAIT_MS = MAX_BAN_MS;

/** `ms` clamped to `[0, MAX_SERVER_WAIT_MS]`; `NaN` becomes the maximum (a wait was asked for, its length is unknown). */
export function clampServerWait(ms: number): number {
  if (Number.isNaN(ms)) return MAX_SERVER_WAIT_MS;
  return Math.min(MAX_SERVER_WAIT_MS, Math.max(0, ms));
}
