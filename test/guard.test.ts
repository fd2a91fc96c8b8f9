import {
  BinanceGuard,
  Credentials,
  type GuardRequest,
  isBinanceError,
  MemoryRateStore,
  type RateStore,
} from '@binance-errors/core';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startClearOfColdEdge } from './conformance/support/windows.ts';
import { fetchTransport } from './support/fetchTransport.ts';

const API_KEY = 'guard-test-key-0123456789';
const API_SECRET = 'guard-test-secret-0123456789abcdef';
const credentials = new Credentials({ apiKey: API_KEY, apiSecret: API_SECRET });

let ex: FakeExchange | undefined;
let guard: BinanceGuard | undefined;
afterEach(async () => {
  guard?.close();
  await ex?.close();
  ex = undefined;
  guard = undefined;
});

async function setup(options: Parameters<typeof createFakeExchange>[0] = {}, guardOptions = {}) {
  ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '100000', BTC: '10' } }],
    ...options,
  });
  guard = new BinanceGuard(ex.url, guardOptions);
  const call = (method: string, path: string, query = '') =>
    guard!.run({ method, url: `${ex!.url}${path}${query ? `?${query}` : ''}` }, fetchTransport, { credentials });
  return { ex, guard, call };
}

/** A market order as the guard reads it. */
const marketOrder = (ex: FakeExchange) => ({
  method: 'POST',
  url: `${ex.url}/api/v3/order`,
  body: 'symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01',
});

describe('BinanceGuard against the fake exchange', () => {
  it.each([7000, -4000])('syncs before the first signed call, so a skew of %i ms costs no -1021', async (skew) => {
    const { ex, call } = await setup({ skewMs: skew });
    const res = await call('GET', '/api/v3/account');
    expect(res.status).toBe(200);
    expect(ex.count({ code: -1021 })).toBe(0);
    expect(ex.count({ path: '/api/v3/time' })).toBeGreaterThan(0);
  });

  it('recovers from a skew that appears after the sync with exactly one re-signed retry', async () => {
    const { ex, call, guard } = await setup();
    expect((await call('GET', '/api/v3/account')).status).toBe(200);
    ex.setSkew(8000);
    const retries: string[] = [];
    guard.onRetry((e) => retries.push(e.reason));
    expect((await call('GET', '/api/v3/account')).status).toBe(200);
    expect(ex.count({ code: -1021 })).toBe(1);
    expect(retries).toEqual(['timestamp']);
    for (let i = 0; i < 50; i++) await call('GET', '/api/v3/account');
    expect(ex.count({ code: -1021 })).toBe(1);
    expect(ex.count({ signatureValid: false })).toBe(0);
  });

  it('fails a permanent -1021 after one retry, never looping', async () => {
    // A server clock that jumps 10 s every time it is read cannot be caught up with.
    let reads = 0;
    const { ex, call } = await setup({ now: () => Date.now() + reads++ * 10_000 });
    const err = await call('GET', '/api/v3/account').catch((e: unknown) => e);
    expect(isBinanceError(err, 'timestamp')).toBe(true);
    expect(ex.count({ path: '/api/v3/account' })).toBe(2);
    expect(ex.count({ path: '/api/v3/account', code: -1021 })).toBe(2);
  });

  it("widens the edge guard from the clock's round trips before any response is in", async () => {
    // 400 ms round trips: more than the 500 ms initial guard covers once the clock's error is added.
    const { call, guard } = await setup({ latency: { requestMs: 200, responseMs: 200 } });
    expect(guard.snapshot().throttle?.edgeGuardMs).toBe(500);
    const atSync: number[] = [];
    guard.onClockSync(() => atSync.push(guard.snapshot().throttle?.edgeGuardMs ?? 0));
    expect((await call('GET', '/api/v3/account')).status).toBe(200);
    expect(atSync).toHaveLength(1);
    expect(atSync[0]).toBeGreaterThanOrEqual(1.5 * 400);
  });

  it('keeps a saturating burst under the weight limit with zero 429', async () => {
    // The edge guard is the one derived from the measured round trips, as in the conformance bursts: a fixed one
    // cannot cover the delay between release and arrival while the rest of the suite loads the machine.
    const windowMs = 2000;
    const limits = [
      {
        rateLimitType: 'REQUEST_WEIGHT',
        interval: 'MINUTE',
        intervalNum: 1,
        limit: 400,
        intervalMs: windowMs,
      } as const,
    ];
    const { ex, call } = await setup({ rateLimits: limits }, { throttle: { limits, safety: 1 } });
    await startClearOfColdEdge(ex, windowMs);
    const started = ex.now();
    await Promise.all(
      Array.from({ length: 240 }, (_, i) => call('GET', '/api/v3/depth', `symbol=BTCUSDT&limit=${i % 2 ? 100 : 5}`)),
    );
    const elapsedWindows = (ex.now() - started) / windowMs;
    expect(ex.count({ status: 429 })).toBe(0);
    // The clock's samples of /api/v3/time, which the first call starts, are not part of the burst.
    const weight = ex.requests.filter((r) => r.path === '/api/v3/depth').reduce((sum, r) => sum + r.weight, 0);
    // 240 × 5 weight at 400 per window: at least 3 windows' worth were needed.
    expect(weight).toBe(1200);
    expect(weight / (Math.ceil(elapsedWindows) * 400)).toBeGreaterThan(0.6);
  });
});

describe('an order whose caller gave up while it was in flight', () => {
  it('is answered, not sent again, when its answer comes after the abort (a client that does not stop the send)', async () => {
    const { ex, guard } = await setup({}, { throttle: false, breaker: false });
    // A transport that lets the send run on after the abort, as a client whose abort does not reach the wire does:
    // its caller gives up, is told the outcome is unknown by its own client, and its retry layer sends the order again.
    const deaf: typeof fetchTransport = {
      ...fetchTransport,
      send: (attempt) => fetchTransport.send({ ...attempt, signal: undefined }),
    };
    const place = (signal?: AbortSignal) => guard.run(marketOrder(ex), deaf, { credentials, signal });
    await guard.run({ method: 'GET', url: `${ex.url}/api/v3/account` }, fetchTransport, { credentials });
    ex.fault({ kind: 'delay', ms: 300, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const controller = new AbortController();
    const first = place(controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect((await first).status).toBe(200);
    const again = await place().catch((e: unknown) => e);
    expect(isBinanceError(again, 'unknown-outcome'), String(again)).toBe(true);
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
  });
});

describe("the clock's sync", () => {
  it('is not started for a signed call aborted before it runs, and a sync failing later rejects nothing unheard', async () => {
    const { ex, guard } = await setup({}, { throttle: false });
    const unheard: unknown[] = [];
    const onUnhandled = (reason: unknown) => unheard.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const controller = new AbortController();
      controller.abort(new Error('gave up'));
      const err = await guard
        .run(marketOrder(ex), fetchTransport, { credentials, signal: controller.signal })
        .catch((e: unknown) => e);
      expect(isBinanceError(err, 'aborted'), String(err)).toBe(true);
      expect(err).toMatchObject({ executed: 'no' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(ex.count({ path: '/api/v3/time' })).toBe(0);

      // A sync already under way when a caller gives up: the caller leaves, the sync fails, and no one is left
      // to hear it but the guard.
      ex.fault({ kind: 'delay', ms: 200, match: { path: '/api/v3/time' } });
      const late = new AbortController();
      const call = guard.run(marketOrder(ex), fetchTransport, { credentials, signal: late.signal });
      setTimeout(() => late.abort(new Error('gave up')), 50);
      expect(await call.catch((e: unknown) => e)).toMatchObject({ category: 'aborted', executed: 'no' });
      await ex.close();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(unheard).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('gives up on a server time request that does not answer, so a signed call without a timeout fails unsent', async () => {
    const { ex, guard } = await setup({}, { throttle: false });
    ex.fault({ kind: 'delay', ms: 60_000, match: { path: '/api/v3/time' } });
    const started = Date.now();
    const err = await guard.run(marketOrder(ex), fetchTransport, { credentials }).catch((e: unknown) => e);
    // One sample's limit is 5 s; the call fails then, not after the exchange's minute.
    expect(Date.now() - started).toBeLessThan(8000);
    expect(isBinanceError(err, 'timeout'), String(err)).toBe(true);
    expect(err).toMatchObject({ executed: 'no', sent: false });
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(0);
  }, 15_000);
});

describe('a failure before anything was sent', () => {
  it("says executed 'no' whatever raised it: a rate store that is down, for an order and for a read", async () => {
    const memory = new MemoryRateStore();
    const down: RateStore = {
      reserve: () => Promise.reject(new Error("READONLY You can't write against a read only replica.")),
      settle: (charges) => memory.settle(charges),
      release: (charges) => memory.release(charges),
      setPause: (until) => memory.setPause(until),
      setBan: (until) => memory.setBan(until),
      getState: (at) => memory.getState(at),
    };
    const { ex, guard } = await setup({}, { throttle: { store: down }, retry: { reads: 0 } });
    const run = (request: GuardRequest) => guard.run(request, fetchTransport, { credentials }).catch((e: unknown) => e);
    const order = await run(marketOrder(ex));
    const read = await run({ method: 'GET', url: `${ex.url}/api/v3/depth?symbol=BTCUSDT` });
    for (const err of [order, read]) {
      expect(isBinanceError(err), String(err)).toBe(true);
      expect((err as { executed: string }).executed, String(err)).toBe('no');
      expect(String(err)).toMatch(/unrecognised error: READONLY/);
    }
    expect(ex.requests).toHaveLength(0);
  });
});
