import { BinanceGuard } from '@binance-errors/core';
import { binanceErrors } from '@binance-errors/got';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import got from 'got';
import { describe, expect, it } from 'vitest';
import { deferredCleanups } from './support/lifecycle.ts';

// got, orders sent as got users send forms (`form: {...}`), on the fake futures exchange (Spot behaves alike). The
// requests the guard sends during a call after its first attempt (a clock resync, the reconcile lookup, the re-signed
// order) are built on the call's options, which hold the Content-Length got wrote for the first attempt's body. A
// request without a body that carries it makes the server wait for bytes that never come: the call hung, or failed
// after the clock's 5 s limit.

const KEY = 'usdm-got-findings-api-key-0123456789abcdef';
const SECRET = 'usdm-got-findings-api-secret-0123456789abcdef';
const ORDER = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.002', price: '59000' };
const UNKNOWN_503 = {
  kind: 'server-error',
  status: 503,
  code: -1000,
  msg: 'Unknown error, please check your request or try again later.',
  placed: true,
  times: 1,
  match: { method: 'POST', path: '/fapi/v1/order' },
} as const;

const defer = deferredCleanups();

async function futures(): Promise<{ ex: FakeExchange; guard: BinanceGuard }> {
  const ex = await createFakeExchange({
    product: 'usdm',
    accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '100000' } }],
  });
  defer(() => ex.close());
  const guard = new BinanceGuard(ex.url, { product: 'usdm' });
  defer(() => guard.close());
  return { ex, guard };
}

/** The call's outcome, or 'still pending after N ms'. */
function within(ms: number, call: Promise<unknown>): Promise<string> {
  return Promise.race([
    call.then(
      (body) => `resolved ${(body as { status?: string }).status}`,
      (err: unknown) => `rejected ${(err as Error).name}`,
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve(`still pending after ${ms} ms`), ms)),
  ]);
}

describe("got: the requests after a form-body call's first attempt carry no stale Content-Length", () => {
  it('reconciles an unknown-outcome order that is not the first request of the process (reconcile: true)', async () => {
    // The first order of a process is sent after the clock's samples, so it is its call's first attempt; later
    // ones are not.
    const { ex, guard } = await futures();
    const api = got.extend(
      { prefixUrl: ex.url },
      binanceErrors({ apiKey: KEY, apiSecret: SECRET, guard, reconcile: true }),
    );
    await api.post('fapi/v1/order', { form: ORDER }).json();

    ex.fault({ ...UNKNOWN_503 });
    const outcome = await within(5000, api.post('fapi/v1/order', { form: { ...ORDER, price: '58000' } }).json());
    // The fake placed the order before answering 503: the lookup finds it and the call resolves with it.
    expect(outcome).toBe('resolved NEW');
    expect(ex.count({ method: 'GET', path: '/fapi/v1/order' })).toBe(1);
  });

  it('resyncs, re-signs and sends a form-body order once more after a -1021 (skew appearing after the first sync)', async () => {
    const { ex, guard } = await futures();
    const api = got.extend({ prefixUrl: ex.url }, binanceErrors({ apiKey: KEY, apiSecret: SECRET, guard }));
    await api.get('fapi/v2/account').json();
    ex.setSkew(7000);

    const outcome = await within(8000, api.post('fapi/v1/order', { form: ORDER }).json());
    expect(outcome).toBe('resolved NEW');
    expect(ex.count({ method: 'POST', path: '/fapi/v1/order', code: -1021 })).toBe(1);
    expect(ex.count({ method: 'POST', path: '/fapi/v1/order', status: 200 })).toBe(1);
  });

  it("keeps the call's signed query when the clock resyncs through the call while got still holds its first attempt", async () => {
    // got 14 builds a request's options on the call's own URL object: the requests the guard sent after the first
    // attempt (the clock's samples) cleared that URL's query, and the order went out without its signature (-1102).
    const ex = await createFakeExchange({ accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '100000' } }] });
    defer(() => ex.close());
    const guard = new BinanceGuard(ex.url, { clock: { resyncIntervalMs: 1000 } });
    defer(() => guard.close());
    // The caller's hook holds the order in got, after the guard signed it, past the clock's next resync.
    const hold = async (options: { url?: unknown }) => {
      if (String(options.url).includes('/api/v3/order')) await new Promise((r) => setTimeout(r, 1300));
    };
    const api = got.extend(
      { prefixUrl: ex.url, hooks: { beforeRequest: [hold] } },
      binanceErrors({ apiKey: KEY, apiSecret: SECRET, guard }),
    );
    await api.get('api/v3/account').json();
    const samples = ex.count({ path: '/api/v3/time' });

    const order = await api.post('api/v3/order', { form: { ...ORDER, quantity: '0.01', price: '5000' } }).json();
    expect(order).toMatchObject({ status: 'NEW' });
    expect(ex.count({ path: '/api/v3/time' })).toBeGreaterThan(samples);
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
  });
});
