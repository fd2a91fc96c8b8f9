import { MAX_SERVER_WAIT_MS } from '../time/limits.ts';

/** Below this, an epoch number is in seconds (before 5138 CE in s, before 1973 in ms). */
const SECONDS_BELOW = 1e11;
/** At or above this, an epoch number is in microseconds (after 5138 CE in ms, after 1973 in µs). */
const MICROS_FROM = 1e14;

/**
 * Reads a server-sent epoch time — seconds, ms or µs (Binance sends µs when `X-MBX-TIME-UNIT: MICROSECOND` is
 * set) — into ms, cut to at most `MAX_SERVER_WAIT_MS` after `now`. Returns `undefined` for anything that is not a
 * finite non-negative number.
 */
export function epochMs(value: string | number, now: number): number | undefined {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < 0) return undefined;
  const ms = n < SECONDS_BELOW ? n * 1000 : n >= MICROS_FROM ? n / 1000 : n;
  return Math.min(ms, now + MAX_SERVER_WAIT_MS);
}
