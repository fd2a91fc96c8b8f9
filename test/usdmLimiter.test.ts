import {
  BinanceThrottleError,
  createSigner,
  type RateLimit,
  signRequest,
  usdm,
  WeightLimiter,
  weightOf,
} from '@binance-errors/core';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// The limiter with the usdm profile against the fake futures exchange, which counts orders on its own: the limits
// are learnt from /fapi/v1/exchangeInfo, a batch is charged per interval as the server counts it, and the limiter
// refuses locally before the server has to answer 429.

const KEY = { apiKey: 'usdm-limiter-key', secret: 'usdm-limiter-secret' };
const signer = createSigner({ apiSecret: KEY.secret });
// One clock for the fake and the limiter, on a whole minute: every request of a test lands in the same windows.
const T = 1_800_000_000_000;
let now = T;
let ex: FakeExchange;

beforeAll(async () => {
  ex = await createFakeExchange({
    product: 'usdm',
    now: () => now,
    accounts: [{ ...KEY, balances: { USDT: '10000000' } }],
    ban: false,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 12 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
    ],
  });
});
afterAll(() => ex.close());
beforeEach(() => {
  // A second into the windows, so no request may have landed in the previous ones.
  now = T + 1000;
  ex.reset();
});

/** A resting buy of 118 USDT notional (the fake refuses less than 100). */
const order = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.002', price: '59000' };

/** Sends one request through the limiter as the guard will: weightOf's result spread into acquire, then settle. */
async function send(limiter: WeightLimiter, method: string, path: string, params: Record<string, string> = {}) {
  const permit = await limiter.acquire({
    ...weightOf(method, path, params, usdm.endpoints),
    label: `${method} ${path}`,
    maxWaitMs: 0,
  });
  const signed = method !== 'GET' || path === '/fapi/v1/order';
  const query = signed
    ? signRequest({ query: params, timestamp: now, signer }).query
    : new URLSearchParams(params).toString();
  const res = await fetch(`${ex.url}${path}?${query}`, { method, headers: { 'X-MBX-APIKEY': KEY.apiKey } });
  const body: unknown = await res.json();
  await limiter.settle(permit, { status: res.status, headers: res.headers });
  return { status: res.status, headers: res.headers, body };
}

describe('WeightLimiter with the usdm profile, against the fake futures exchange', () => {
  it('learns the limits of /fapi/v1/exchangeInfo and stops batches locally at the 10 s order limit: no 429', async () => {
    const limiter = new WeightLimiter({ profile: usdm, safety: 1, serverNow: () => now });
    const info = await send(limiter, 'GET', '/fapi/v1/exchangeInfo');
    expect(limiter.learn((info.body as { rateLimits: RateLimit[] }).rateLimits)).toBe(true);
    expect(limiter.snapshot().limits.map((l) => [l.rateLimitType, l.intervalNum, l.limit])).toEqual([
      ['REQUEST_WEIGHT', 1, 2400],
      ['ORDERS', 10, 12],
      ['ORDERS', 1, 1200],
    ]);
    const batch = { batchOrders: JSON.stringify([order, order, order]) };
    const statuses: number[] = [];
    let refused: unknown;
    for (let i = 0; i < 5 && refused === undefined; i++) {
      await send(limiter, 'POST', '/fapi/v1/batchOrders', batch).then(
        (r) => statuses.push(r.status),
        (error: unknown) => {
          refused = error;
        },
      );
    }
    // A batch counts 5 on the 10 s limit however many orders it holds: two fit in 12, the third is refused here.
    expect(statuses).toEqual([200, 200]);
    expect(refused).toBeInstanceOf(BinanceThrottleError);
    expect((refused as BinanceThrottleError).rateLimit).toEqual({
      rateLimitType: 'ORDERS',
      interval: 'SECOND',
      intervalNum: 10,
      limit: 12,
    });
    const orders = limiter.snapshot().limits.filter((l) => l.rateLimitType === 'ORDERS');
    expect(orders.map((l) => l.used)).toEqual([10, 2]);
    expect(ex.requests.filter((r) => r.status === 429)).toEqual([]);
  });

  it('reconciles the order windows with the server’s X-MBX-ORDER-COUNT headers', async () => {
    const limiter = new WeightLimiter({ profile: usdm, safety: 1, serverNow: () => now });
    // Someone else on the account places an order this limiter never saw.
    const other = signRequest({ query: order, timestamp: now, signer }).query;
    await fetch(`${ex.url}/fapi/v1/order?${other}`, { method: 'POST', headers: { 'X-MBX-APIKEY': KEY.apiKey } });
    const mine = await send(limiter, 'POST', '/fapi/v1/order', order);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('x-mbx-order-count-10s')).toBe('2');
    const orders = limiter.snapshot().limits.filter((l) => l.rateLimitType === 'ORDERS');
    expect(orders.map((l) => l.used)).toEqual([2, Number(mine.headers.get('x-mbx-order-count-1m'))]);
  });
});
