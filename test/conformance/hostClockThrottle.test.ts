import { BinanceGuard, type BinanceGuardOptions, isBinanceError } from '@binance-errors/core';
import { createFakeExchange, type FakeExchange, type FaultHandle } from '@binance-errors/testing';
import { describe, expect, it } from 'vitest';
import { axiosDriver as driver } from './drivers.ts';
import {
  burstsInOneWindow,
  guardLimits,
  hostClock,
  outcome,
  realNow,
  sleep,
  until,
  weightLimit,
  weightScene,
  windowWithRoom,
  within,
} from './support/hostClock.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// The host's wall clock can step under a running bot: NTP correcting a drifted clock, a VM or laptop resumed, a
// container whose clock is set. The throttle keeps its weight windows, 429 pauses, 418 bans and maxWaitMs on the
// guard's clock, and a step of the host clock must change none of them: not end them early (the IP collects 429s,
// then 418s), not stretch them by the step (calls hang, or are refused, for an hour). Only `Date` is stepped; the
// fake exchange keeps the real time. The throttle is core's, the same under every client: shown with axios.

const KEY = 'hostclock-throttle-key-0123456789abcdef0123';
const SECRET = 'hostclock-throttle-secret-0123456789abcdef01';
const ACCOUNT = { apiKey: KEY, secret: SECRET };
const HOUR = 3_600_000;
const MINUTES_2 = 120_000;

const defer = deferredCleanups();
const clock = hostClock();

/**
 * Makes the exchange's /api/v3/time fail (500, nothing charged), so that the guard's clock cannot sync: the sync its
 * first call starts fails, and the next is a minute away on the steady clock, which no step of the host's moves.
 */
function failTime(ex: FakeExchange): FaultHandle {
  return ex.fault({ kind: 'server-error', match: { path: '/api/v3/time' } });
}

/** 429 and 418 answers the exchange gave. */
function rateLimited(ex: { count(match: { status: number }): number }): number {
  return ex.count({ status: 429 }) + ex.count({ status: 418 });
}

// A guard syncs its clock in the background at its first call, and until a sync succeeds (here the exchange's /time
// fails, or the IP is banned and answers it 418), or when it was built with `clock: false`, the throttle runs on the
// host's time.
describe('a guard that has not synced its clock, when the host clock steps', () => {
  it('keeps a 429 pause after a step forward: no request goes into it', async () => {
    const ex = await createFakeExchange({
      now: realNow,
      rateLimits: [weightLimit(5, 2000)],
      ban: { after429s: 1, durationsMs: [2000] },
    });
    defer(() => ex.close());
    failTime(ex);
    const guard = new BinanceGuard(ex.url);
    defer(() => guard.close());
    const call = driver.create(ex.url, { guard });
    await windowWithRoom(2000, 1500);
    // Another program on the same IP spends the window; the user's next call is answered 429 and the guard pauses.
    for (let i = 0; i < 5; i++) await fetch(`${ex.url}/api/v3/ping`);
    const first = outcome(call({ path: '/api/v3/ping' }));
    await until(() => guard.snapshot().throttle?.pausedUntil !== undefined);

    clock.step(MINUTES_2);
    const second = await outcome(call({ path: '/api/v3/ping' }));
    // Both calls wait out Retry-After and succeed: the one 429 is all, and no 418 follows.
    expect([await first, second]).toEqual([200, 200]);
    expect(rateLimited(ex)).toBe(1);
    expect(guard.snapshot().clock?.synced).toBe(false);
  });

  it('keeps a 418 ban after a step forward: nothing is sent into it', async () => {
    const ex = await createFakeExchange({
      now: realNow,
      rateLimits: [weightLimit(4, 60_000)],
      ban: { after429s: 1, durationsMs: [5000] },
    });
    defer(() => ex.close());
    // Another program on the same IP gets it banned for 5 s; the user's call is answered 418.
    while ((await fetch(`${ex.url}/api/v3/ping`)).status !== 418);
    const guard = new BinanceGuard(ex.url);
    defer(() => guard.close());
    const call = driver.create(ex.url, { guard });
    const first = await call({ path: '/api/v3/ping' }).catch((e: unknown) => e);
    expect(isBinanceError(first, 'ip-ban'), String(first)).toBe(true);
    const banned = ex.count({ status: 418 });

    clock.step(MINUTES_2);
    const second = await call({ path: '/api/v3/ping' }).catch((e: unknown) => e);
    // Refused as the exchange would answer it, without sending.
    expect(isBinanceError(second, 'ip-ban'), String(second)).toBe(true);
    expect(ex.count({ status: 418 })).toBe(banned);
    expect(guard.snapshot().clock?.synced).toBe(false);
  });

  // The guard's own share of the limit of 10 (98 %, 9), spent before the step: by 9 pings, or, on a guard whose first
  // call starts a sync, by its failed /api/v3/time (weight 1, counted: it may have reached the exchange) and 8 pings.
  const guards: Array<[string, BinanceGuardOptions, number]> = [
    ['not synced', {}, 8],
    ['clock: false', { clock: false }, 9],
  ];
  for (const [name, options, pings] of guards) {
    for (const [step, ms] of [
      ['forward 2 min', MINUTES_2],
      ['back 1 h', -HOUR],
    ] as const) {
      it(`${name}: a spent weight window stays spent after a step ${step}`, async () => {
        const ex = await createFakeExchange({ now: realNow, rateLimits: [weightLimit(10, 60_000)] });
        defer(() => ex.close());
        failTime(ex);
        // The guard knows the limit; maxWaitMs 0 refuses at once what would have to wait for the next window.
        const guard = new BinanceGuard(ex.url, {
          ...options,
          throttle: { ...guardLimits(10, 60_000), maxWaitMs: 0 },
        });
        defer(() => guard.close());
        const call = driver.create(ex.url, { guard });
        await windowWithRoom(60_000, 2000);
        const spend = await Promise.all(Array.from({ length: pings }, () => outcome(call({ path: '/api/v3/ping' }))));
        expect(spend).toEqual(Array(pings).fill(200));

        clock.step(ms);
        // A burst, as a poller fetching several symbols at once sends it: refused locally, not sent into a 429.
        const burst = await Promise.all(Array.from({ length: 5 }, () => outcome(call({ path: '/api/v3/ping' }))));
        expect(
          burst.every((r) => String(r).includes('BinanceThrottleError')),
          String(burst),
        ).toBe(true);
        expect(rateLimited(ex)).toBe(0);
        expect(guard.snapshot().clock?.synced).not.toBe(true);
      });
    }
  }

  it('sends a call waiting out a 2 s 429 pause when the pause ends, not an hour later, after a step back', async () => {
    const ex = await createFakeExchange({ now: realNow, rateLimits: [weightLimit(5, 2000)] });
    defer(() => ex.close());
    failTime(ex);
    const guard = new BinanceGuard(ex.url);
    defer(() => guard.close());
    const call = driver.create(ex.url, { guard });
    await windowWithRoom(2000, 1500);
    // Another program on the same IP spends the window; the user's call is answered 429 (Retry-After ≤ 2 s), and
    // the guard waits it out to send it again.
    for (let i = 0; i < 5; i++) await fetch(`${ex.url}/api/v3/ping`);
    const waiting = outcome(call({ path: '/api/v3/ping' }));
    await until(() => guard.snapshot().throttle?.pausedUntil !== undefined);

    clock.step(-HOUR);
    expect(await within(waiting, 5000)).toBe(200);
    expect(guard.snapshot().clock?.synced).toBe(false);
  });

  it('lets requests go again once a 2 s 418 ban has ended, not an hour later, after a step back', async () => {
    const ex = await createFakeExchange({
      now: realNow,
      rateLimits: [weightLimit(4, 1000)],
      ban: { after429s: 1, durationsMs: [2000] },
    });
    defer(() => ex.close());
    while ((await fetch(`${ex.url}/api/v3/ping`)).status !== 418);
    const guard = new BinanceGuard(ex.url);
    defer(() => guard.close());
    const call = driver.create(ex.url, { guard });
    const first = await call({ path: '/api/v3/ping' }).catch((e: unknown) => e);
    expect(isBinanceError(first, 'ip-ban'), String(first)).toBe(true);

    clock.step(-HOUR);
    await sleep(2500);
    expect(await outcome(call({ path: '/api/v3/ping' }))).toBe(200);
  });

  it('sends calls queued for a full 2 s window when it ends, not an hour later, after a step back', async () => {
    const { ex, guard, call } = await weightScene(defer, driver, 5, 2000);
    failTime(ex);
    await windowWithRoom(2000, 1500);
    // 4 pings fit (98 % of 5); 2 wait for the next window, and so does the /api/v3/time of the sync that the first
    // ping's success starts (which then fails).
    const burst = Promise.all(Array.from({ length: 6 }, () => outcome(call({ path: '/api/v3/ping' }))));
    await until(() => guard.snapshot().throttle?.queued === 3 && ex.count({ path: '/api/v3/ping' }) === 4);

    clock.step(-HOUR);
    expect(await within(burst, 5000)).toEqual(Array(6).fill(200));
    expect(guard.snapshot().clock?.synced).toBe(false);
  });
});

// A container that starts with its clock an hour ahead (an RTC kept in local time, a restored VM snapshot): its
// requests run on the host's time until the clock's first sync, which then reads an hour earlier. Here the exchange's
// /time fails until the first signed request, so that its public requests go before the sync, as they do while the
// sync is under way or when it fails.
describe('a guard on a host clock 1 h ahead, at its first sync', () => {
  it('ends a 429 pause recorded before the sync when its Retry-After has passed, not an hour later', async () => {
    clock.step(HOUR);
    const ex = await createFakeExchange({
      now: realNow,
      accounts: [{ apiKey: KEY, secret: SECRET }],
      rateLimits: [weightLimit(30, 2000)],
    });
    defer(() => ex.close());
    const noSync = failTime(ex);
    const guard = new BinanceGuard(ex.url);
    defer(() => guard.close());
    const call = driver.create(ex.url, { guard, apiKey: KEY, apiSecret: SECRET });
    await windowWithRoom(2000, 1500);
    // Another program on the same IP spends the window; the user's public call gets a 429 (Retry-After ≤ 2 s), waits
    // it out and goes through.
    for (let i = 0; i < 30; i++) await fetch(`${ex.url}/api/v3/ping`);
    expect(await outcome(call({ path: '/api/v3/ping' }))).toBe(200);
    await until(() => guard.snapshot().throttle?.pausedUntil === undefined);
    expect(guard.snapshot().clock?.synced).toBe(false);

    // The first signed request: the pause is long over, on the exchange and in the guard.
    noSync.remove();
    expect(await outcome(call({ path: '/api/v3/account' }))).toBe(200);
    expect(guard.snapshot().clock?.synced).toBe(true);
  });

  it('keeps the weight spent before the sync counted after it', async () => {
    clock.step(HOUR);
    const { ex, guard, call } = await weightScene(defer, driver, 40, 60_000, { account: ACCOUNT, maxWaitMs: 0 });
    const noSync = failTime(ex);
    await windowWithRoom(60_000, 3000);
    // One at a time, so that the guard counts what the exchange does, and the failed /time of the sync the first
    // starts (the exchange charged nothing for it).
    for (let i = 0; i < 20; i++) expect(await outcome(call({ path: '/api/v3/ping' }))).toBe(200);
    expect(guard.snapshot().clock?.synced).toBe(false);

    // The sync's /time requests bring the exchange's minute to 23 (the guard's to 24); the account's 20 would make it
    // 43 of 40.
    noSync.remove();
    const account = await outcome(call({ path: '/api/v3/account' }));
    expect(guard.snapshot().clock?.synced).toBe(true);
    expect(String(account)).toContain('BinanceThrottleError');
    expect(rateLimited(ex)).toBe(0);
  });
});

// A laptop or VM suspended and resumed: the wall clock and the exchange moved on, but the monotonic clock the synced
// estimate runs on did not count the suspension (Linux), so the estimate lags the exchange by it. Public requests
// never get a -1021 to resync on, and the periodic resync is up to 10 min away.
describe('a synced guard after a suspend and resume', () => {
  it("keeps a poller's bursts within the exchange's weight windows", async () => {
    // Windows are a nominal minute lasting 2 s; the suspension is half a window (30 s for real minute windows).
    const W = 2000;
    const { ex, call } = await weightScene(defer, driver, 60, W, { account: ACCOUNT });
    // A signed request syncs the clock; its weight is left a window behind.
    expect(await outcome(call({ path: '/api/v3/account' }))).toBe(200);
    await sleep(W);

    // Simulated: the exchange's time and `Date` jump forward by the suspension; `performance.now()` does not.
    ex.setSkew(W / 2);
    clock.step(W / 2);
    // Bursts of 35 public requests (the guard allows 58 a window): one early in an exchange window, one late in it.
    // Without a resync the guard sees them in two windows of its own.
    // The late burst partly waits for the next window.
    expect(await burstsInOneWindow(ex, call, W)).toEqual(Array(70).fill(200));
    expect(rateLimited(ex)).toBe(0);
  });
});
