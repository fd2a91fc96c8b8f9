import { binanceErrors } from '@binance-errors/axios';
import { type BinanceError, BinanceGuard, isBinanceError } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { deferredCleanups } from './support/lifecycle.ts';

// A bot's graceful shutdown calls `guard.close()` while the clock's first sync is in flight (a bot stopped during
// start-up, a test's afterEach while a signed call is out). The sync ending after close() once armed the periodic
// resync again, which nothing cleared: the closed guard sent GET /api/v3/time for the life of the process. And a call
// waiting for that sync was stamped, signed and sent after close(), where a call waiting for budget is refused.

const KEY = 'lifecycle-api-key-0123456789abcdef';
const SECRET = 'lifecycle-api-secret-0123456789abcdef';
const ORDER = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' };
const defer = deferredCleanups();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup() {
  const ex = await createFakeExchange({ accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '1000000' } }] });
  defer(() => ex.close());
  const guard = new BinanceGuard(ex.url, { clock: { resyncIntervalMs: 1000, samples: 1 } });
  defer(() => guard.close());
  const api = axios.create({ baseURL: ex.url });
  binanceErrors({ apiKey: KEY, apiSecret: SECRET, guard }).install(api);
  // The first sync's answer takes 300 ms: close() comes while it is in flight.
  ex.fault({ kind: 'delay', ms: 300, times: 1, match: { path: '/api/v3/time' } });
  return { ex, guard, api };
}

describe('guard.close() while the clock syncs', () => {
  it('sends nothing after close(): no periodic GET /api/v3/time from a closed guard', async () => {
    const { ex, guard, api } = await setup();
    const call = api.get('/api/v3/account').then(
      () => 'ok',
      (e: unknown) => e,
    );
    await sleep(50);
    guard.close();
    await call;
    await sleep(100);
    const settled = ex.count({ path: '/api/v3/time' });
    await sleep(1600);
    expect(ex.count({ path: '/api/v3/time' }) - settled, 'GET /api/v3/time after close()').toBe(0);
  });

  it('refuses, unsent, an order that was waiting for the first sync when close() came', async () => {
    const { ex, guard, api } = await setup();
    const call = api.post('/api/v3/order', null, { params: ORDER }).then(
      () => 'placed',
      (e: unknown) => e,
    );
    await sleep(50);
    expect(ex.count({ path: '/api/v3/order' })).toBe(0);
    guard.close();
    const outcome = await call;
    expect(isBinanceError(outcome), String(outcome)).toBe(true);
    expect((outcome as BinanceError).executed).toBe('no');
    expect(ex.count({ path: '/api/v3/order' })).toBe(0);
  });
});
