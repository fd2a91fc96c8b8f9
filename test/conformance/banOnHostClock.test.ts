import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import { describe, expect, it } from 'vitest';
import { drivers } from './drivers.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// A guard whose clock has not synced works on the host's time. A 418's "banned until" is the exchange's own time, so
// with the host 3 s ahead the guard read a 3 s ban as over at once and sent into it (each try another 418). An
// unsynced guard now bans for the answer's Retry-After, which no clock skews. Here the clock cannot sync: the sync the
// guard's first call starts has its /api/v3/time answered 418 like everything else from the banned IP, and a failed
// sync is tried again only a minute later, long after the ban.

const defer = deferredCleanups();
const WINDOW = {
  rateLimitType: 'REQUEST_WEIGHT',
  interval: 'MINUTE',
  intervalNum: 1,
  limit: 4,
  intervalMs: 1000,
} as const;

describe('a 418 on a guard whose clock never synced', () => {
  it.each(drivers)('$name: waits the ban out on the host clock, sending nothing into it', async (driver) => {
    const ex = await createFakeExchange({ rateLimits: [WINDOW], ban: { after429s: 1, durationsMs: [3000] } });
    defer(() => ex.close());
    ex.setSkew(-3000); // the host runs 3 s ahead of the exchange
    // Another program on the same IP runs into a ban.
    while ((await fetch(`${ex.url}/api/v3/ping`)).status !== 418);
    const guard = new BinanceGuard(ex.url);
    defer(() => guard.close());
    const call = driver.create(ex.url, { guard });

    const first = await call({ path: '/api/v3/ping' }).catch((e: unknown) => e);
    expect(isBinanceError(first, 'ip-ban'), String(first)).toBe(true);
    const banned = ex.count({ status: 418 });
    // Polling through the rest of the ban: refused here, not sent.
    const until = Date.now() + 2000;
    while (Date.now() < until) {
      await call({ path: '/api/v3/ping' }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(ex.count({ status: 418 }) - banned, '418 answers to requests sent during the ban').toBe(0);
    expect(guard.snapshot().clock?.synced).toBe(false);
  });

  it('with the host an hour behind, lets requests go again once a 2 s ban has ended, not an hour later', async () => {
    const ex = await createFakeExchange({ rateLimits: [WINDOW], ban: { after429s: 1, durationsMs: [2000] } });
    defer(() => ex.close());
    ex.setSkew(3_600_000); // the exchange's "banned until" reads an hour and 2 s away on the host's clock
    while ((await fetch(`${ex.url}/api/v3/ping`)).status !== 418);
    const guard = new BinanceGuard(ex.url);
    defer(() => guard.close());
    const call = drivers[0]!.create(ex.url, { guard });

    const first = await call({ path: '/api/v3/ping' }).catch((e: unknown) => e);
    expect(isBinanceError(first, 'ip-ban'), String(first)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(guard.snapshot().clock?.synced).toBe(false);
    await expect(call({ path: '/api/v3/ping' })).resolves.toMatchObject({ status: 200 });
  });
});
