import { inspect } from 'node:util';
import { BinanceGuard, BinanceRequestError, isBinanceError } from '@binance-errors/core';
import { binanceErrors } from '@binance-errors/got';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import got, { type AfterResponseHook, type BeforeErrorHook } from 'got';
import { afterEach, describe, expect, it } from 'vitest';

// The caller's own got hooks run around the plugin's attempts. Two of them could undo its promises: an
// `afterResponse` hook's `retryWithMergedOptions` made got send again below the guard (got retries that whatever
// `retry.limit` says), and `beforeError` hooks (where got users log) were handed got's raw attempt errors, whose
// options hold the key and the signed URL.

const API_KEY = 'got-hooks-api-key-0123456789abcdef';
const API_SECRET = 'got-hooks-api-secret-0123456789abcdef';
const ORDER = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.002' };

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function setup(
  hooks: { afterResponse?: AfterResponseHook[]; beforeError?: BeforeErrorHook[] },
  product: 'spot' | 'usdm' = 'spot',
): Promise<{ ex: FakeExchange; api: typeof got }> {
  const ex = await createFakeExchange({
    product,
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '100000000', BTC: '100' } }],
  });
  cleanups.push(() => ex.close());
  const guard = new BinanceGuard(ex.url, { product });
  cleanups.push(() => guard.close());
  const api = got.extend(
    { prefixUrl: ex.url, hooks },
    binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }),
  );
  return { ex, api };
}

describe('got: an afterResponse hook that asks got to send again', () => {
  it.each(['spot', 'usdm'] as const)('never sends an order of unknown outcome twice (%s)', async (product) => {
    let retried = 0;
    const { ex, api } = await setup(
      {
        afterResponse: [
          (response, retryWithMergedOptions) =>
            response.statusCode >= 500 && retried++ < 1 ? retryWithMergedOptions({}) : response,
        ],
      },
      product,
    );
    const orderPath = product === 'usdm' ? 'fapi/v1/order' : 'api/v3/order';
    // The order is placed, and the answer is a 503 -1007: its outcome is unknown to the caller.
    ex.fault({ kind: 'timeout', placed: true, times: 1, match: { method: 'POST', path: `/${orderPath}` } });
    const outcome = await api
      .post(orderPath, { searchParams: ORDER })
      .json()
      .catch((e: unknown) => e);

    expect(retried).toBe(1);
    expect(ex.count({ method: 'POST', path: `/${orderPath}` })).toBe(1);
    expect(product === 'usdm' ? ex.futuresOrders(API_KEY) : ex.orders(API_KEY)).toHaveLength(1);
    expect(outcome).toMatchObject({ category: 'unknown-outcome', executed: 'unknown' });
  });

  it('a read goes out once per attempt of the guard, and resolves with the answer that prompted the hook', async () => {
    let retried = 0;
    const { ex, api } = await setup({
      afterResponse: [(response, retryWithMergedOptions) => (retried++ < 1 ? retryWithMergedOptions({}) : response)],
    });
    const price = await api.get('api/v3/ticker/price', { searchParams: { symbol: 'BTCUSDT' } }).json();

    expect(retried).toBe(1);
    expect(price).toMatchObject({ symbol: 'BTCUSDT' });
    // got alone would have sent it twice, the second time around the throttle's count.
    expect(ex.count({ method: 'GET', path: '/api/v3/ticker/price' })).toBe(1);
  });
});

/** A beforeError hook that keeps what it is handed, as one that logs does. */
function recorder(): { seen: unknown[]; hook: BeforeErrorHook } {
  const seen: unknown[] = [];
  return {
    seen,
    hook: (error) => {
      seen.push(error);
      return error;
    },
  };
}

describe('got: beforeError hooks see the typed, redacted error, once', () => {
  it.each(['reset', 'timeout'] as const)(
    'a signed order failing on the wire (%s): no key, no signature',
    async (kind) => {
      const seen: unknown[] = [];
      const { ex, api } = await setup({
        beforeError: [
          (error) => {
            seen.push(error);
            return error;
          },
        ],
      });
      if (kind === 'reset') ex.fault({ kind: 'reset', times: 1, match: { method: 'POST' } });
      else ex.fault({ kind: 'delay', ms: 1000, times: 1, match: { method: 'POST' } });
      const err = await api
        .post('api/v3/order', { searchParams: ORDER, ...(kind === 'timeout' && { timeout: { request: 200 } }) })
        .json()
        .catch((e: unknown) => e);

      expect(err).toMatchObject({ executed: 'unknown' });
      expect(seen).toEqual([err]);
      const signature = ex.findRequests({ method: 'POST', path: '/api/v3/order' })[0]?.params.signature;
      expect(signature).toBeTruthy();
      const logged = inspect(seen, { depth: Infinity, showHidden: true });
      expect(logged).not.toContain(API_KEY);
      expect(logged).not.toContain(API_SECRET);
      expect(logged).not.toContain(signature);
    },
  );

  it("a Binance error reaches them too, and what the last one returns is the caller's error", async () => {
    const { seen, hook } = recorder();
    class AppError extends Error {}
    const { api } = await setup({
      beforeError: [hook, async (error) => new AppError(`wrapped: ${error.message}`, { cause: error })],
    });
    const err = await api
      .get('api/v3/ticker/price', { searchParams: { symbol: 'NOPE' } })
      .json()
      .catch((e: unknown) => e);

    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(BinanceRequestError);
    expect(seen[0]).toMatchObject({ code: -1121 });
    expect(err).toBeInstanceOf(AppError);
    expect(isBinanceError((err as Error).cause)).toBe(true);
  });

  it('a call that succeeds never reaches them', async () => {
    const { seen, hook } = recorder();
    const { api } = await setup({ beforeError: [hook] });
    await api.get('api/v3/ticker/price', { searchParams: { symbol: 'BTCUSDT' } }).json();
    expect(seen).toEqual([]);
  });

  it("a hook written for got's own errors reads their `options`, redacted", async () => {
    const logged: string[] = [];
    const { api } = await setup({
      beforeError: [
        (error) => {
          // got's types: `error.options` is always there on its RequestError, so logging hooks read it unchecked.
          logged.push(`${error.options.method} ${error.options.url?.toString()} failed: ${error.message}`);
          return error;
        },
      ],
    });
    // A signed read Binance refuses: its URL carried a signature, and its headers the key.
    const err = await api.get('api/v3/openOrders', { searchParams: { symbol: 'NOPE' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: -1121 });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^GET http:.*\/api\/v3\/openOrders\?symbol=NOPE/);
    expect(logged[0]).not.toContain(API_KEY);
    expect(logged[0]).not.toMatch(/signature=[0-9a-f]/);
  });
});
