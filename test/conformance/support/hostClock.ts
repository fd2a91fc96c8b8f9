import { BinanceGuard } from '@binance-errors/core';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import { afterEach, beforeEach, vi } from 'vitest';
import type { Call, Driver } from '../drivers.ts';

/**
 * The real wall clock, bound before any test fakes `Date`. The fake exchange is given it as its `now`, so the
 * exchange's windows, pauses and bans keep real time while only the client's host clock is stepped.
 */
export const realNow: () => number = Date.now.bind(Date);

/**
 * Steps the host's wall clock in each test of the file: `Date.now()` reads the real clock plus the steps taken, as
 * NTP stepping the host clock makes it read. Timers and `performance.now()` are untouched. (vitest's fake `Date`
 * advances by timer ticks, which fall behind the real clock under load: a drift the guard would take for steps.)
 */
export function hostClock(): { step(ms: number): void } {
  let offset = 0;
  beforeEach(() => {
    offset = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return {
    step(ms: number) {
      offset += ms;
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

/**
 * The scene of most host-clock tests: the fake exchange on the real clock with one weight limit of `limit` per
 * `intervalMs` (and `account` on it), a guard that knows the limit (waiting at most `maxWaitMs` for it, if given), and
 * `driver`'s client through the guard, signing with `account`'s keys when there is one. Closed by `defer`.
 */
export async function weightScene(
  defer: (cleanup: () => unknown) => void,
  driver: Driver,
  limit: number,
  intervalMs: number,
  { account, maxWaitMs }: { account?: { apiKey: string; secret: string }; maxWaitMs?: number } = {},
): Promise<{ ex: FakeExchange; guard: BinanceGuard; call: Call }> {
  const ex = await createFakeExchange({
    now: realNow,
    ...(account && { accounts: [account] }),
    rateLimits: [weightLimit(limit, intervalMs)],
  });
  defer(() => ex.close());
  const throttle = guardLimits(limit, intervalMs);
  const guard = new BinanceGuard(ex.url, { throttle: maxWaitMs === undefined ? throttle : { ...throttle, maxWaitMs } });
  defer(() => guard.close());
  const keys = account && { apiKey: account.apiKey, apiSecret: account.secret };
  return { ex, guard, call: driver.create(ex.url, { guard, ...keys }) };
}

/** Status of a call, or the error's text. */
export function outcome(call: Promise<{ status: number }>): Promise<number | string> {
  return call.then(
    (r) => r.status,
    (e: unknown) => String(e),
  );
}

/**
 * Two bursts of 35 public pings (a limit of 60 leaves the guard 58 a window): one early in an exchange window of
 * `windowMs`, one late in the same one. Their outcomes, in order; all 200 unless the guard misplaces the windows.
 */
export async function burstsInOneWindow(
  ex: { now(): number },
  call: (spec: { path: string }) => Promise<{ status: number }>,
  windowMs: number,
): Promise<Array<number | string>> {
  const serverMs = () => ex.now() % windowMs;
  const burst = () => Promise.all(Array.from({ length: 35 }, () => outcome(call({ path: '/api/v3/ping' }))));
  while (!(serverMs() > 100 && serverMs() < 300)) await sleep(5);
  const early = await burst();
  while (!(serverMs() > windowMs * 0.55 && serverMs() < windowMs * 0.7)) await sleep(5);
  return [...early, ...(await burst())];
}
