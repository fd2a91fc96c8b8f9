import { createRequire } from 'node:module';
import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import { BinanceGuard, type RateLimit } from '@binance-errors/core';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import type { AxiosInstance } from 'axios';
import { USDMClient } from 'binance';
import { describe, expect, it } from 'vitest';
import { drivers } from './drivers.ts';
import { until } from './support/hostClock.ts';
import { deferredCleanups } from './support/lifecycle.ts';
import { clockSynced } from './support/sync.ts';

// A bot's requests go out together (`Promise.all` over symbols, a batch of quotes), so each is reserved before any
// answer comes back, and each answer's usage header counts the others of the burst that reached the server first. The
// guard must count the burst once: taken for other processes' usage as well, a burst of half the limit filled the
// guard's window, and it refused reads and orders the exchange would serve until the window ended.

const API_KEY = 'concurrent-burst-api-key-0123456789abcdef';
const API_SECRET = 'concurrent-burst-api-secret-0123456789abcdef';
const ACCOUNT = { apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '100000000' } };

/** Every window 10 s on the exchange and in the guard, so that a burst and the call after it share one. */
const WINDOW_MS = 10_000;

const defer = deferredCleanups();

const weight = (limit: number): RateLimit => ({
  rateLimitType: 'REQUEST_WEIGHT',
  interval: 'MINUTE',
  intervalNum: 1,
  limit,
});
const orders = (limit: number): RateLimit => ({ rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit });

/** An exchange and a guard with `limits`, every window 10 s long; resolves 1–3 s into a window. */
async function setup(
  product: 'spot' | 'usdm',
  limits: RateLimit[],
): Promise<{ ex: FakeExchange; guard: BinanceGuard }> {
  const ex = await createFakeExchange({
    product,
    accounts: [ACCOUNT],
    rateLimits: limits.map((l) => ({ ...l, intervalMs: WINDOW_MS })),
  });
  defer(() => ex.close());
  const guard = new BinanceGuard(ex.url, {
    product,
    throttle: { limits: limits.map((l) => ({ ...l, intervalMs: WINDOW_MS })), maxWaitMs: 0 },
  });
  defer(() => guard.close());
  // Clear of a window's start, where the guard charges a request to the window before as well (for clock error).
  const into = ex.now() % WINDOW_MS;
  if (into < 1000 || into > 3000) await new Promise((r) => setTimeout(r, (WINDOW_MS + 1000 - into) % WINDOW_MS));
  return { ex, guard };
}

/**
 * Sends `first` and waits until the clock's sync that the guard's first call starts has ended and its time samples
 * are answered; returns the weight the exchange counted so far, which the guard holds too.
 */
async function warmedUp(ex: FakeExchange, guard: BinanceGuard, first: () => Promise<unknown>): Promise<number> {
  await first();
  await clockSynced(guard);
  await until(() => {
    const { guard: mine, exchange } = usage(ex, guard, 'REQUEST_WEIGHT');
    return mine === exchange;
  });
  return usage(ex, guard, 'REQUEST_WEIGHT').exchange ?? 0;
}

/** What the guard holds as used in its window of `type`, beside what the exchange counted there. */
function usage(ex: FakeExchange, guard: BinanceGuard, type: 'REQUEST_WEIGHT' | 'ORDERS') {
  const mine = guard.snapshot().throttle?.limits.find((l) => l.rateLimitType === type && l.budget === undefined);
  const theirs =
    type === 'ORDERS'
      ? ex.orderUsage(API_KEY).find((u) => u.interval === 'SECOND')
      : ex.client().usage.find((u) => u.rateLimitType === type);
  return { guard: mine?.used, exchange: theirs?.count };
}

describe.each(drivers)('$name: a burst of concurrent requests is counted once', (driver) => {
  it('reads: 30 order books at once (750 of 1,200 weight), then one more is sent', async () => {
    const { ex, guard } = await setup('spot', [weight(1200)]);
    const call = driver.create(ex.url, { guard });
    const depth = () => call({ path: '/api/v3/depth', params: { symbol: 'BTCUSDT', limit: '500' } });
    const before = await warmedUp(ex, guard, () => call({ path: '/api/v3/ping' }));

    await Promise.all(Array.from({ length: 30 }, depth));
    expect(usage(ex, guard, 'REQUEST_WEIGHT')).toEqual({ guard: before + 750, exchange: before + 750 });
    // 775 of 1,200. Counted twice, the burst had filled the guard's window: refused here, with nothing sent.
    await expect(depth()).resolves.toMatchObject({ status: 200 });
    expect(ex.count({ path: '/api/v3/depth' })).toBe(31);
  });

  it('orders: 30 placed at once (of 50 per 10 s), then one more is sent', async () => {
    const { ex, guard } = await setup('spot', [weight(6000), orders(50)]);
    const call = driver.create(ex.url, { apiKey: API_KEY, apiSecret: API_SECRET, guard });
    const place = (price: number) =>
      call({
        method: 'POST',
        path: '/api/v3/order',
        form: {
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: '0.001',
          price: String(price),
        },
      });

    await Promise.all(Array.from({ length: 30 }, (_, i) => place(20_000 + i)));
    expect(usage(ex, guard, 'ORDERS')).toEqual({ guard: 30, exchange: 30 });
    await expect(place(19_000)).resolves.toMatchObject({ status: 200 });
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(31);
  });
});

/** The axios the `binance` package sends through: its own copy when npm nested one, else the root one. */
const binanceAxios: AxiosInstance = (() => {
  const load = createRequire(createRequire(import.meta.url).resolve('binance'));
  const loaded = load('axios') as AxiosInstance & { default?: AxiosInstance };
  return loaded.default ?? loaded;
})();

describe("USDⓈ-M through binance's USDMClient", () => {
  it('counts 70 concurrent order-book reads (1,400 of 2,400 weight) once, and serves the next', async () => {
    const { ex, guard } = await setup('usdm', [weight(2400)]);
    defer(axiosPlugin({ apiKey: API_KEY, apiSecret: API_SECRET, guard, origins: [ex.url] }).install(binanceAxios));
    const futures = new USDMClient({ api_key: API_KEY, api_secret: API_SECRET, baseUrl: ex.url });
    const depth = () => futures.getOrderBook({ symbol: 'BTCUSDT', limit: 1000 });
    const before = await warmedUp(ex, guard, () => futures.testConnectivity());

    await Promise.all(Array.from({ length: 70 }, depth));
    expect(usage(ex, guard, 'REQUEST_WEIGHT')).toEqual({ guard: before + 1400, exchange: before + 1400 });
    await expect(depth()).resolves.toMatchObject({ bids: expect.any(Array) });
  });
});
