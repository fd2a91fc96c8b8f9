import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { binanceErrors } from '@binance-errors/ky';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import ky, { type AfterResponseHook, isForceRetryError, type KyInstance, type Options as KyOptions } from 'ky';
import { afterEach, expect, it } from 'vitest';

// ky 2's `afterResponse` hooks may return `ky.retry()`. With ky's retry turned on again, ky would send the call
// again through the plugin, which would sign an order afresh and place it twice. A request that may have changed an
// order is answered with the answer it got instead, unless the retry carries a different request; a read goes out
// again (a hook that polls). With the plugin's `retry: 0`, ky rejects a forced retry with its ForceRetryError.

const API_KEY = 'finding-ky-fr-key-0123456789abcdef';
const API_SECRET = 'finding-ky-fr-secret-0123456789abcdef';
const ORDER = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '20000' };

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

/** A fake exchange, and ky with the plugin on it; `retry` turns ky's own retry on again. */
async function setup(retry?: KyOptions['retry']): Promise<{ ex: FakeExchange; api: KyInstance }> {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000000', BTC: '10' } }],
  });
  cleanups.push(() => ex.close());
  const guard = new BinanceGuard(ex.url, {});
  cleanups.push(() => guard.close());
  const api = ky
    .extend(binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }))
    .extend({ prefix: ex.url, ...(retry !== undefined && { retry }) });
  return { ex, api };
}

const retryOnce: AfterResponseHook = ({ response, retryCount }) => (retryCount === 0 ? ky.retry() : response);

it('ky.retry() on a placed order, ky retry re-enabled: the order is not placed twice', async () => {
  const { ex, api } = await setup({ limit: 2, methods: ['post'] });
  const order = await api.post('api/v3/order', { searchParams: ORDER, hooks: { afterResponse: [retryOnce] } }).json();
  // The hook saw the same answer again on the retry, and let it through.
  expect(order).toMatchObject({ symbol: 'BTCUSDT', status: expect.any(String) });
  const placed = ex.requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/order' && r.status === 200);
  expect(placed).toHaveLength(1);
  const open = await api.get('api/v3/openOrders', { searchParams: { symbol: 'BTCUSDT' } }).json<unknown[]>();
  expect(open).toHaveLength(1);
});

it("ky.retry() on a placed order, plugin's retry 0: ky's ForceRetryError, and the order is not sent again", async () => {
  const { ex, api } = await setup();
  const result = await api
    .post('api/v3/order', { searchParams: ORDER, hooks: { afterResponse: [retryOnce] } })
    .json()
    .then(
      (body) => body,
      (e: unknown) => e,
    );
  expect(ex.requests.filter((r) => r.path === '/api/v3/order')).toHaveLength(1);
  // ky's own answer to a forced retry with retries off (documented): its ForceRetryError, nothing sent again.
  expect(isForceRetryError(result)).toBe(true);
  expect(isBinanceError(result)).toBe(false);
});

it('ky.retry() with a request of its own, or on a read: that request goes out', async () => {
  const { ex, api } = await setup({ limit: 2, methods: ['get', 'post'] });
  // A hook that re-prices the order it placed: the retry is a different order, and it is placed.
  const reprice: AfterResponseHook = ({ request, retryCount, response }) =>
    retryCount === 0
      ? ky.retry({ request: new Request(request.url.replace('price=20000', 'price=20001'), request) })
      : response;
  await api.post('api/v3/order', { searchParams: ORDER, hooks: { afterResponse: [reprice] } }).json();
  const prices = ex.findRequests({ method: 'POST', path: '/api/v3/order' }).map((r) => r.params.price);
  expect(prices).toEqual(['20000', '20001']);
  // A hook that polls a read until it says what it waits for: each retry is sent.
  const poll: AfterResponseHook = ({ retryCount, response }) => (retryCount < 2 ? ky.retry({ delay: 0 }) : response);
  await api.get('api/v3/ticker/price', { searchParams: { symbol: 'BTCUSDT' }, hooks: { afterResponse: [poll] } });
  expect(ex.count({ method: 'GET', path: '/api/v3/ticker/price' })).toBe(3);
});
