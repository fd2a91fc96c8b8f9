import { afterEach, beforeEach, vi } from 'vitest';

/**
 * The real wall clock, bound before any test fakes `Date`. The fake exchange is given it as its `now`, so the
 * exchange's windows, pauses and bans keep real time while only the client's host clock is stepped.
 */
export const realNow: () => number = Date.now.bind(Date);

/**
 * Fakes only `Date` in each test of the file (installed before the test builds its guard), advancing with real time;
 * `step(ms)` then jumps it as NTP stepping the host clock does. Timers and `performance.now()` are untouched.
 */
export function hostClock(): { step(ms: number): void } {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, advanceTimeDelta: 5 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  return {
    step(ms: number) {
      vi.setSystemTime(Date.now() + ms);
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once `ready()` holds, polling every 5 ms; rejects after `ms`. */
export async function until(ready: () => boolean, ms = 5000): Promise<void> {
  const end = realNow() + ms;
  while (!ready()) {
    if (realNow() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** Waits until the exchange's current window of `windowMs` (real time) has at least `leftMs` to run. */
export async function windowWithRoom(windowMs: number, leftMs: number): Promise<void> {
  while (windowMs - (realNow() % windowMs) < leftMs) await sleep(10);
}

/** `promise`, or `'still pending'` once `ms` have passed. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still pending'> {
  return Promise.race([promise, sleep(ms).then(() => 'still pending' as const)]);
}

/** A REQUEST_WEIGHT limit of `limit` per nominal minute, lasting `intervalMs` on the fake exchange. */
export function weightLimit(limit: number, intervalMs: number) {
  return { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit, intervalMs } as const;
}

/** The same limit as the guard states it, and the scale that makes its minute last `intervalMs`. */
export function guardLimits(limit: number, intervalMs: number) {
  return {
    limits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit } as const],
    intervalScale: intervalMs / 60_000,
  };
}

/** Status of a call, or the error's text. */
export function outcome(call: Promise<{ status: number }>): Promise<number | string> {
  return call.then(
    (r) => r.status,
    (e: unknown) => String(e),
  );
}
