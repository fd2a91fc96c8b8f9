import { BinanceGuard, isBinanceError, type RateLimit } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import { describe, expect, it } from 'vitest';
import { drivers } from './drivers.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// The guard reconciles its weight count with `X-MBX-USED-WEIGHT-1M`, whose count includes other processes on the same
// IP. Binance puts it on the answers of endpoints that cost no weight too: on USDⓈ-M Futures the orders themselves
// (`POST`/`PUT /fapi/v1/order`, `POST /fapi/v1/algoOrder`). Such a request had no charge in the weight window, so the
// usage its answer reported was thrown away: below, another process has used 180 of 200, the order's answer says so,
// and a 40-weight read that no longer fits went out and got a 429.

const KEY = 'endpoints-zeroweight-key-0123456789abcdef0123';
const SECRET = 'endpoints-zeroweight-secret-0123456789abcdef0';
const SCALE = 12; // a 1-minute window lasts 5 s

const LIMITS: RateLimit[] = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 200 },
  { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
  { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
];

const defer = deferredCleanups();

describe('USDⓈ-M: the used weight reported on a 0-weight order answer', () => {
  it.each(drivers)('$name: is taken in, so the next read does not overrun the IP limit', async (driver) => {
    const ex = await createFakeExchange({
      product: 'usdm',
      rateLimits: LIMITS,
      timeScale: SCALE,
      accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '1000000' } }],
    });
    defer(() => ex.close());
    const guard = new BinanceGuard(ex.url, {
      product: 'usdm',
      throttle: { limits: LIMITS, intervalScale: 1 / SCALE, maxWaitMs: 500 },
    });
    defer(() => guard.close());
    const bot = driver.create(ex.url, { guard, apiKey: KEY, apiSecret: SECRET });
    const otherProcess = driver.bare(ex.url);

    await bot({ path: '/fapi/v1/openOrders', params: { symbol: 'BTCUSDT' } }); // clock synced
    // Start 300-1500 ms into a 5 s weight window, so everything below certainly lands in that one window (the guard
    // reads a header only for a request it knows landed in one window; it allows 100 ms either way).
    const windowMs = 60_000 / SCALE;
    const into = ex.now() % windowMs;
    if (into < 300 || into > 1500) await new Promise((r) => setTimeout(r, (windowMs - into + 300) % windowMs));

    // Another service on the same host reads the full book: 9 × 20 = 180 of the IP's 200.
    for (let i = 0; i < 9; i++)
      await otherProcess({ path: '/fapi/v1/depth', params: { symbol: 'BTCUSDT', limit: '1000' } });
    // The bot places an order (0 weight); its answer carries X-MBX-USED-WEIGHT-1M: 180 (or 181).
    await bot({
      method: 'POST',
      path: '/fapi/v1/order',
      params: { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.002', price: '59000' },
    });
    // Then checks all its open orders: 40 weight, which no longer fits in this window.
    const read = await bot({ path: '/fapi/v1/openOrders' }).then(
      (r) => `sent, answered ${r.status}`,
      (e: unknown) => (isBinanceError(e) ? `${e.name} (status ${e.status ?? 'none'})` : String(e)),
    );
    expect(ex.count({ status: 429 }), `GET /fapi/v1/openOrders: ${read}`).toBe(0);
  });
});
