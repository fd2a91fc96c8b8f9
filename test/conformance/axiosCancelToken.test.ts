import { binanceErrors } from '@binance-errors/axios';
import { BinanceGuard, isBinanceError, type RateLimit } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';

// axios' `cancelToken` (deprecated, still supported by axios 1 and common in older code and connectors) must stop the
// guard as `signal` does. The guard's waits (order budget, the clock's first sync) run inside the adapter the plugin
// installs, after axios' own check for a cancelled token; before this was handled, axios' http adapter sent an order
// whose token was cancelled during such a wait, and a cancel mid-flight surfaced as an untyped CanceledError.

const API_KEY = 'axios-canceltoken-api-key-0123456789abcdef';
const API_SECRET = 'axios-canceltoken-api-secret-0123456789abcdef';
const order = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.002', price: '59000' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The listeners a token holds (axios keeps them in `_listeners`, emptied when it is cancelled). */
const listenersOf = (token: object) => (token as { _listeners?: unknown[] })._listeners?.length ?? 0;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function setup(ordersPer10s: number) {
  // Every window is a tenth of its real length: one order per 1 s.
  const limits: RateLimit[] = [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
    { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: ordersPer10s },
    { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 160000 },
    { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 300000 },
  ];
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000000' } }],
    rateLimits: [
      { ...limits[0]!, intervalMs: 6000 },
      { ...limits[1]!, intervalMs: 1000 },
      { ...limits[2]!, intervalMs: 8_640_000 },
      { ...limits[3]!, intervalMs: 30_000 },
    ],
  });
  cleanups.push(() => ex.close());
  const guard = new BinanceGuard(ex.url, { throttle: { limits, intervalScale: 0.1, safety: 1, maxWaitMs: 10_000 } });
  cleanups.push(() => guard.close());
  const api = axios.create({ baseURL: ex.url });
  binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }).install(api);
  const sentWith = (id: string) =>
    ex.findRequests({ method: 'POST', path: '/api/v3/order' }).filter((r) => r.params.newClientOrderId === id).length;
  return { ex, api, sentWith };
}

describe('axios cancelToken with an order', () => {
  it('cancelled while waiting for order budget: typed abort, and the order is never sent', async () => {
    const { api, sentWith } = await setup(1);
    await api.post('/api/v3/order', null, { params: { ...order, newClientOrderId: 'fills-the-window' } });
    const source = axios.CancelToken.source();
    setTimeout(() => source.cancel('changed my mind'), 100);
    const err = await api
      .post('/api/v3/order', null, { params: { ...order, newClientOrderId: 'cancelled' }, cancelToken: source.token })
      .catch((e: unknown) => e);
    await sleep(2500); // past the next 1 s order window
    expect(sentWith('cancelled')).toBe(0);
    expect(isBinanceError(err)).toBe(true);
    expect(err).toMatchObject({ category: 'aborted', executed: 'no' });
  });

  it('cancelled mid-flight: a typed error that says the outcome is unknown', async () => {
    const { ex, api, sentWith } = await setup(50);
    ex.fault({ kind: 'delay', ms: 800, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const source = axios.CancelToken.source();
    setTimeout(() => source.cancel('changed my mind'), 150);
    const err = await api
      .post('/api/v3/order', null, { params: { ...order, newClientOrderId: 'in-flight' }, cancelToken: source.token })
      .catch((e: unknown) => e);
    expect(sentWith('in-flight')).toBe(1);
    expect(isBinanceError(err)).toBe(true);
    expect(err).toMatchObject({ executed: 'unknown' });
  });

  it('cancelled before the call: typed abort, nothing sent', async () => {
    const { api, sentWith } = await setup(50);
    const source = axios.CancelToken.source();
    source.cancel('never mind');
    const err = await api
      .post('/api/v3/order', null, { params: { ...order, newClientOrderId: 'early' }, cancelToken: source.token })
      .catch((e: unknown) => e);
    expect(sentWith('early')).toBe(0);
    expect(err).toMatchObject({ category: 'aborted', executed: 'no' });
  });

  it('a token shared by many calls holds no listener of the plugin once they are over', async () => {
    const { api } = await setup(50);
    const source = axios.CancelToken.source();
    const calls = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? api.get('/api/v3/ticker/price', { params: { symbol: 'BTCUSDT' }, cancelToken: source.token })
        : api.get('/api/v3/ticker/price', { params: { symbol: 'NOPE' }, cancelToken: source.token }),
    );
    const settled = await Promise.allSettled(calls);
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(10);
    expect(listenersOf(source.token)).toBe(0);
  });

  it('a cancelled call still reads as a cancel to axios.isCancel, and stays typed', async () => {
    const { ex, api } = await setup(50);
    ex.fault({ kind: 'delay', ms: 500, times: 1, match: { method: 'GET', path: '/api/v3/ticker/price' } });
    const source = axios.CancelToken.source();
    setTimeout(() => source.cancel('component unmounted'), 100);
    const inFlight = await api
      .get('/api/v3/ticker/price', { params: { symbol: 'BTCUSDT' }, cancelToken: source.token })
      .catch((e: unknown) => e);
    expect(isBinanceError(inFlight)).toBe(true);
    expect(axios.isCancel(inFlight)).toBe(true);
    const early = axios.CancelToken.source();
    early.cancel('never mind');
    const unsent = await api
      .get('/api/v3/ticker/price', { params: { symbol: 'BTCUSDT' }, cancelToken: early.token })
      .catch((e: unknown) => e);
    expect(axios.isCancel(unsent)).toBe(true);
    const controller = new AbortController();
    controller.abort();
    const bySignal = await api
      .get('/api/v3/ticker/price', { params: { symbol: 'BTCUSDT' }, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(axios.isCancel(bySignal)).toBe(true);
  });
});
