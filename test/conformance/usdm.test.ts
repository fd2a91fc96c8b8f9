import {
  BinanceGuard,
  type BinanceGuardOptions,
  isBinanceError,
  type RateLimit,
  USDM_DEFAULT_LIMITS,
} from '@binance-errors/core';
import { createFakeExchange, type FakeExchange, type FakeExchangeOptions } from '@binance-errors/testing';
import { describe, expect, it } from 'vitest';
import { fail } from '../support/fail.ts';
import { type Call, drivers } from './drivers.ts';
import { deferredCleanups } from './support/lifecycle.ts';
import { startRecorder } from './support/recorder.ts';
import { fullWindowWeights, startClearOfColdEdge, widestEdgeGuard } from './support/windows.ts';

// The conformance table for USDⓈ-M Futures: the same guard through axios, ky and got against the fake futures
// exchange, on a loopback origin the guard learns the product of from the `product` option.

const API_KEY = 'usdm-conformance-api-key-0123456789abcdef';
const API_SECRET = 'usdm-conformance-api-secret-0123456789abcdef';

const defer = deferredCleanups();

async function exchange(options: FakeExchangeOptions = {}): Promise<FakeExchange> {
  const ex = await createFakeExchange({
    product: 'usdm',
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000000' } }],
    ...options,
  });
  defer(() => ex.close());
  return ex;
}

function guardFor(ex: FakeExchange, options: BinanceGuardOptions = {}): BinanceGuard {
  const guard = new BinanceGuard(ex.url, { product: 'usdm', ...options });
  defer(() => guard.close());
  return guard;
}

/** The futures limits with every window `windowMs` long on the fake (the 10 s one a sixth of it), for short tests. */
function scaledLimits(weight: number, ordersPer10s: number, windowMs: number) {
  const limits: RateLimit[] = [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: weight },
    { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: ordersPer10s },
    { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
  ];
  const scale = windowMs / 60_000;
  const onFake = limits.map((l) => ({ ...l, intervalMs: (l.interval === 'SECOND' ? 10_000 : 60_000) * scale }));
  return { limits, onFake, scale };
}

/** A resting buy of 118 USDT notional (the fake refuses less than 100). */
const restingBuy = {
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  timeInForce: 'GTC',
  quantity: '0.002',
  price: '59000',
};
const market = (side: 'BUY' | 'SELL', quantity: string, extra: Record<string, string> = {}) => ({
  symbol: 'BTCUSDT',
  side,
  type: 'MARKET',
  quantity,
  ...extra,
});

describe.each(drivers)('conformance, USDⓈ-M Futures: $name', (driver) => {
  const client = (ex: FakeExchange, guard: BinanceGuard, extra = {}): Call =>
    driver.create(ex.url, { apiKey: API_KEY, apiSecret: API_SECRET, guard, ...extra });

  it('keeps a saturating burst under the futures limit with zero 429 and uses at least 90% of it', async () => {
    // A 2 s window. As in the Spot burst, the edge guard is the one derived from the measured round trips: it must
    // cover the worst delay between release and arrival, which grows while the rest of the suite runs beside this.
    const windowMs = 2000;
    const { limits, onFake, scale } = scaledLimits(600, 300, windowMs);
    const ex = await exchange({ rateLimits: onFake });
    const guard = guardFor(ex, { throttle: { limits, intervalScale: scale, safety: 1 } });
    const call = client(ex, guard);
    await startClearOfColdEdge(ex, windowMs);
    const started = ex.now();
    // Futures depth weighs 5 at limit=100 and 2 at limit=5 (Spot: 5 and 1).
    const edgeMs = await widestEdgeGuard(
      guard,
      Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          call({ path: '/fapi/v1/depth', params: { symbol: 'BTCUSDT', limit: i % 3 ? '100' : '5' } }),
        ),
      ),
    );
    expect(ex.count({ status: 429 })).toBe(0);
    expect(ex.count({ path: '/fapi/v1/depth', status: 200 })).toBe(400);
    // Every full window between the first and the last request is at least 90% used, of what the edge guard leaves:
    // the last edgeMs of a window are charged to the next one as well (87.75% at its 50 ms floor).
    const windows = fullWindowWeights(ex.requests, windowMs);
    expect(windows.length).toBeGreaterThan(0);
    for (const { weight } of windows) expect(weight / 600).toBeGreaterThanOrEqual(0.9 * (1 - edgeMs / windowMs));
    expect(Math.floor(started / windowMs)).toBeLessThanOrEqual(windows[0]!.window);
  });

  it.each([7000, -7000])('syncs against /fapi/v1/time first: a skew of %i ms costs no -1021', async (skewMs) => {
    const ex = await exchange({ skewMs });
    const call = client(ex, guardFor(ex));
    expect((await call({ path: '/fapi/v2/account' })).status).toBe(200);
    for (let i = 0; i < 10; i++) await call({ path: '/fapi/v2/positionRisk' });
    expect(ex.count({ code: -1021 })).toBe(0);
    expect(ex.count({ path: '/fapi/v1/time' })).toBeGreaterThan(0);
    expect(ex.count({ path: /^\/api\// })).toBe(0);
  });

  it('recovers from a skew that appears after the sync with one re-signed retry', async () => {
    const ex = await exchange();
    const call = client(ex, guardFor(ex));
    await call({ path: '/fapi/v2/account' });
    ex.setSkew(7000);
    expect((await call({ path: '/fapi/v2/account' })).status).toBe(200);
    for (let i = 0; i < 10; i++) await call({ path: '/fapi/v2/account' });
    expect(ex.count({ code: -1021 })).toBe(1);
  });

  it('opens the breaker in a -1008 storm, yet a reduce-only order and a cancel still reach the exchange', async () => {
    const ex = await exchange();
    const guard = guardFor(ex, { breaker: { resetTimeoutMs: 60_000, volumeThreshold: 3 } });
    const call = client(ex, guard);
    expect((await call({ method: 'POST', path: '/fapi/v1/order', form: market('BUY', '0.01') })).status).toBe(200);
    ex.storm({ durationMs: 60_000 });
    for (let i = 0; i < 10 && guard.snapshot().breaker?.state !== 'open'; i++) {
      const busy = await fail(call({ path: '/fapi/v2/ticker/price', params: { symbol: 'BTCUSDT' } }));
      expect(isBinanceError(busy, 'server-busy')).toBe(true);
      // A futures -1008 is a definite failure: nothing executed.
      expect(busy.executed).toBe('no');
    }
    expect(guard.snapshot().breaker?.state).toBe('open');
    // A normal order is refused locally: nothing reaches the exchange.
    const posts = ex.count({ method: 'POST', path: '/fapi/v1/order' });
    const refused = await fail(call({ method: 'POST', path: '/fapi/v1/order', form: market('BUY', '0.01') }));
    expect(isBinanceError(refused, 'circuit-open')).toBe(true);
    expect(ex.count({ method: 'POST', path: '/fapi/v1/order' })).toBe(posts);
    // reduceOnly=true in one-way mode: Binance serves it during the storm, so the breaker lets it through.
    const reduce = await call({
      method: 'POST',
      path: '/fapi/v1/order',
      form: market('SELL', '0.01', { reduceOnly: 'true' }),
    });
    expect(reduce.data).toMatchObject({ status: 'FILLED', reduceOnly: true });
    expect(ex.positions(API_KEY)).toEqual({});
    const cancel = await call({ method: 'DELETE', path: '/fapi/v1/allOpenOrders', params: { symbol: 'BTCUSDT' } });
    expect(cancel.status).toBe(200);
    // So do cancels of stop and take-profit orders, in the Algo Service (which the fake answers -1020: it was sent).
    const algo = await call({ method: 'DELETE', path: '/fapi/v1/algoOpenOrders', params: { symbol: 'BTCUSDT' } }).catch(
      (error: unknown) => error,
    );
    expect(isBinanceError(algo, 'circuit-open')).toBe(false);
    expect(ex.count({ method: 'DELETE', path: '/fapi/v1/algoOpenOrders' })).toBe(1);
    // And the kill switch's heartbeat: refused while the breaker stays open, its countdown would run out and Binance
    // cancel every open order of the symbol.
    const heartbeat = await call({
      method: 'POST',
      path: '/fapi/v1/countdownCancelAll',
      form: { symbol: 'BTCUSDT', countdownTime: '120000' },
    }).catch((error: unknown) => error);
    expect(isBinanceError(heartbeat, 'circuit-open')).toBe(false);
    expect(ex.count({ method: 'POST', path: '/fapi/v1/countdownCancelAll' })).toBe(1);
    // And a protective stop that closes the position, which since 2025-12-09 only the Algo Service places.
    const stop = {
      algoType: 'CONDITIONAL',
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      triggerPrice: '55000',
    };
    const closing = await call({
      method: 'POST',
      path: '/fapi/v1/algoOrder',
      form: { ...stop, closePosition: 'true' },
    }).catch((error: unknown) => error);
    expect(isBinanceError(closing, 'circuit-open')).toBe(false);
    const opening = await fail(
      call({ method: 'POST', path: '/fapi/v1/algoOrder', form: { ...stop, quantity: '0.01' } }),
    );
    expect(isBinanceError(opening, 'circuit-open')).toBe(true);
    expect(ex.count({ method: 'POST', path: '/fapi/v1/algoOrder' })).toBe(1);
    expect(ex.count({ method: 'POST', path: '/fapi/v1/order' })).toBe(posts + 1);
    expect(ex.count({ code: -1008 })).toBeLessThanOrEqual(10);
  });

  it('spreads orders over the 10 s order limit: zero -1015, never more per window than the limit', async () => {
    // 3 orders per "10 s" window of 1 s; the weight window is 6 s.
    const { limits, onFake, scale } = scaledLimits(2400, 3, 6000);
    const ex = await exchange({ rateLimits: onFake });
    const guard = guardFor(ex, { throttle: { limits, intervalScale: scale, safety: 1, edgeGuardMs: 100 } });
    const call = client(ex, guard);
    const results = await Promise.all(
      Array.from({ length: 7 }, () => call({ method: 'POST', path: '/fapi/v1/order', form: restingBuy })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(7).fill(200));
    expect(ex.count({ status: 429 })).toBe(0);
    expect(ex.count({ code: -1015 })).toBe(0);
    const perWindow = new Map<number, number>();
    for (const r of ex.requests.filter((r) => r.method === 'POST')) {
      const window = Math.floor(r.time / 1000);
      perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
    }
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(3);
    // Past its maxWaitMs an order is refused locally, before the server would answer -1015: nothing is sent.
    const burst = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        call({ method: 'POST', path: '/fapi/v1/order', form: restingBuy, binance: { maxWaitMs: 0 } }),
      ),
    );
    const refused = burst.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(refused.length).toBeGreaterThan(0);
    for (const err of refused) expect(isBinanceError(err, 'throttled'), String(err)).toBe(true);
    expect(ex.count({ method: 'POST', path: '/fapi/v1/order' })).toBe(7 + burst.length - refused.length);
    expect(ex.count({ code: -1015 })).toBe(0);
  });

  it('types -2019 (margin insufficient) from the futures catalog, linking its futures page', async () => {
    const ex = await exchange({ accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000' } }] });
    const call = client(ex, guardFor(ex));
    // 1000 USDT at 20x leverage holds 0.3 BTC at 60000; 0.1 more needs margin the account lacks.
    expect((await call({ method: 'POST', path: '/fapi/v1/order', form: market('BUY', '0.3') })).status).toBe(200);
    const err = await fail(call({ method: 'POST', path: '/fapi/v1/order', form: market('BUY', '0.1') }));
    expect(isBinanceError(err, 'order-rejected')).toBe(true);
    expect([err.code, err.msg, err.executed]).toEqual([-2019, 'Margin is insufficient.', 'no']);
    expect(String(err.docsUrl)).toMatch(/\/errors\/usdm\/2019-/);
    expect(ex.count({ method: 'POST', path: '/fapi/v1/order' })).toBe(2);
  });

  it('reconciles a -1007 futures order by its client order id against /fapi/v1/order', async () => {
    const ex = await exchange();
    const call = client(ex, guardFor(ex), { reconcile: true, recvWindow: 300 });
    ex.fault({ kind: 'timeout', placed: true, times: 1, match: { method: 'POST', path: '/fapi/v1/order' } });
    const res = await call({ method: 'POST', path: '/fapi/v1/order', form: restingBuy });
    expect(res.data).toMatchObject({ symbol: 'BTCUSDT', status: 'NEW' });
    expect(ex.count({ method: 'POST', path: '/fapi/v1/order' })).toBe(1);
    expect(ex.count({ method: 'GET', path: '/fapi/v1/order' })).toBe(1);
  });
});

describe('USDⓈ-M Futures usage headers Binance says to ignore', () => {
  it("leaves GET /fapi/v2/ticker/price's X-MBX-USED-WEIGHT-1M out of the count", async () => {
    // Binance: "The field X-MBX-USED-WEIGHT-1M in response header is not accurate from this endpoint, please ignore."
    // Believed, its 2,390 of 2,400 stopped every other request for the rest of the minute.
    const server = await startRecorder((req, res) => {
      const ticker = req.url.startsWith('/fapi/v2/ticker/price');
      res.writeHead(200, { 'content-type': 'application/json', 'x-mbx-used-weight-1m': ticker ? '2390' : '20' });
      res.end(ticker ? '{"symbol":"BTCUSDT","price":"60000.0","time":0}' : '{"lastUpdateId":1,"bids":[],"asks":[]}');
    });
    defer(() => server.close());
    const guard = new BinanceGuard(server.url, { product: 'usdm', clock: false });
    defer(() => guard.close());
    for (const driver of drivers) {
      const call = driver.create(server.url, { guard });
      await call({ path: '/fapi/v1/depth', params: { symbol: 'BTCUSDT', limit: '1000' } });
      await call({ path: '/fapi/v2/ticker/price', params: { symbol: 'BTCUSDT' } });
      const weight = guard.snapshot().throttle?.limits.find((l) => l.rateLimitType === 'REQUEST_WEIGHT');
      expect(weight?.used, driver.name).toBeLessThan(100);
    }
  });
});

describe('conformance, one process talking to Spot and USDⓈ-M Futures', () => {
  it.each(drivers)('keeps two budgets with the shared guard per origin ($name)', async (driver) => {
    const spotEx = await createFakeExchange({ accounts: [{ apiKey: API_KEY, secret: API_SECRET }] });
    defer(() => spotEx.close());
    const futuresEx = await exchange();
    const spot = driver.create(spotEx.url, { apiKey: API_KEY, apiSecret: API_SECRET });
    const futures = driver.create(futuresEx.url, { apiKey: API_KEY, apiSecret: API_SECRET, product: 'usdm' });
    for (let i = 0; i < 3; i++) {
      await spot({ path: '/api/v3/depth', params: { symbol: 'BTCUSDT', limit: '100' } });
      await futures({ path: '/fapi/v1/depth', params: { symbol: 'BTCUSDT', limit: '1000' } });
    }
    // The guards the plugins built on their first request, one per origin.
    const spotGuard = BinanceGuard.shared(spotEx.url);
    const futuresGuard = BinanceGuard.shared(futuresEx.url);
    defer(() => spotGuard.close());
    defer(() => futuresGuard.close());
    expect([spotGuard.snapshot().product, futuresGuard.snapshot().product]).toEqual(['spot', 'usdm']);
    const budget = (guard: BinanceGuard) =>
      guard.snapshot().throttle?.limits.find((l) => l.rateLimitType === 'REQUEST_WEIGHT' && l.budget === undefined);
    const served = (ex: FakeExchange) => ex.client().usage.find((u) => u.rateLimitType === 'REQUEST_WEIGHT')?.count;
    // Each guard's budget holds exactly what its own exchange counted: Spot depth 100 weighs 5, futures depth 1000
    // weighs 20, and neither budget has the other's weight in it.
    expect(budget(spotGuard)).toMatchObject({ limit: 6000, used: served(spotEx) });
    expect(budget(futuresGuard)).toMatchObject({ limit: USDM_DEFAULT_LIMITS[0]!.limit, used: served(futuresEx) });
    expect(served(futuresEx)).toBeGreaterThan(0);
    expect(spotEx.count({ path: /^\/fapi\// })).toBe(0);
    expect(futuresEx.count({ path: /^\/api\// })).toBe(0);
  });
});
