import { BinanceGuard } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import { describe, expect, it } from 'vitest';
import { axiosDriver as driver } from './drivers.ts';
import { hostClock, outcome, realNow, sleep, until, weightScene, windowWithRoom } from './support/hostClock.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// A synced guard whose host wall clock NTP steps forward 5 s (not a suspend: performance.now() keeps counting, and the
// exchange's time does not move). The guard takes the jump for a suspend until a resync says otherwise: the weight
// it counted must stay counted once, and a signed request waits for that resync rather than be stamped 5 s ahead.

const KEY = 'review-ntp-key-0123456789abcdef0123456789';
const SECRET = 'review-ntp-secret-0123456789abcdef01234567';
const ACCOUNT = { apiKey: KEY, secret: SECRET };

const defer = deferredCleanups();
const clock = hostClock();

describe('a synced guard, when NTP steps the host clock forward', () => {
  // (150 ms, ntpd's default step threshold: packages/core/src/clock/clockSteps.test.ts; the fake Date lags too much.)
  it.each([5000])('%i ms: keeps counting the weight it has used once, not twice', async (stepMs) => {
    const { ex, guard, call } = await weightScene(defer, driver, 100, 60_000, { account: ACCOUNT, maxWaitMs: 0 });
    await windowWithRoom(60_000, 15_000);
    // Not in a window's first second either: a request there may be counted in the window before too.
    while (realNow() % 60_000 < 1000) await sleep(10);
    // 3 samples of /time (1 each) + 3 accounts (20 each): 63 of 100.
    for (let i = 0; i < 3; i++) expect(await outcome(call({ path: '/api/v3/account' }))).toBe(200);
    const used = () => guard.snapshot().throttle!.limits[0]!.used;
    const before = used();
    const syncedAt = guard.snapshot().clock!.lastSyncAt;

    clock.step(stepMs);
    // Any request reads the clock; the step is noticed and a resync follows.
    expect(await outcome(call({ path: '/api/v3/ping' }))).toBe(200);
    // The resync's three /time samples.
    await until(() => ex.count({ path: '/api/v3/time' }) >= 6 && guard.snapshot().clock!.lastSyncAt !== syncedAt);
    await new Promise((r) => setTimeout(r, 50));

    // The exchange counted 63 + 1 + 3 = 67; the guard should be near that, not near 130.
    const counted = used();
    // 67 + 20 = 87 of 98: fits. With the usage counted twice, it is refused (with the default maxWaitMs: held until
    // the window ends, up to a minute, for every request).
    expect(await outcome(call({ path: '/api/v3/account' }))).toBe(200);
    expect(counted).toBeLessThan(before + 10);
    expect(ex.count({ status: 429 })).toBe(0);
  });
});

describe('a synced guard, when NTP steps the host clock forward 5 s, and an order goes out at once', () => {
  it('stamps it on the exchange time it had synced to, not 5 s ahead (no -1021, one send)', async () => {
    const ex = await createFakeExchange({
      now: realNow,
      accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '1000000' } }],
    });
    defer(() => ex.close());
    const guard = new BinanceGuard(ex.url);
    defer(() => guard.close());
    const call = driver.create(ex.url, { guard, apiKey: KEY, apiSecret: SECRET });
    expect(await outcome(call({ path: '/api/v3/account' }))).toBe(200);

    clock.step(5000);
    // A poller's request reads the clock first; the order follows a moment later, before the resync has ended.
    const ping = outcome(call({ path: '/api/v3/ping' }));
    await new Promise((r) => setImmediate(r));
    const order = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' };
    expect(await outcome(call({ method: 'POST', path: '/api/v3/order', params: order }))).toBe(200);
    // Stamped on the guess, it would go out 5 s ahead, be refused -1021 and be sent again after the resync.
    expect(await ping).toBe(200);
    expect(ex.count({ method: 'POST', path: '/api/v3/order' }), 'order requests that reached the exchange').toBe(1);
  });
});
