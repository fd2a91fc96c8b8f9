import { inspect } from 'node:util';
import {
  BinanceGuard,
  type BinanceGuardOptions,
  catalog,
  errorClassFor,
  isBinanceError,
  type RateLimit,
} from '@binance-errors/core';
import { createFakeExchange, type FakeExchange, type FakeExchangeOptions } from '@binance-errors/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { fail } from '../support/fail.ts';
import { type Call, drivers } from './drivers.ts';
import { collectGarbage } from './support/gc.ts';
import { clockSynced } from './support/sync.ts';
import { fullWindowWeights, startClearOfColdEdge, widestEdgeGuard } from './support/windows.ts';

const API_KEY = 'conformance-api-key-0123456789abcdef';
const API_SECRET = 'conformance-api-secret-0123456789abcdef';
const BALANCES = { USDT: '1000000', BTC: '100', ETH: '1000' };
const SECRETS = [API_KEY, API_SECRET];

let exchanges: FakeExchange[] = [];
let guards: BinanceGuard[] = [];
afterEach(async () => {
  for (const g of guards) g.close();
  await Promise.all(exchanges.map((e) => e.close()));
  exchanges = [];
  guards = [];
});

async function exchange(options: FakeExchangeOptions = {}): Promise<FakeExchange> {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: BALANCES }],
    ...options,
  });
  exchanges.push(ex);
  return ex;
}

function guardFor(ex: FakeExchange, options: BinanceGuardOptions = {}): BinanceGuard {
  const guard = new BinanceGuard(ex.url, options);
  guards.push(guard);
  return guard;
}

const order = (overrides: Record<string, string> = {}) => ({
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  timeInForce: 'GTC',
  quantity: '0.01',
  price: '20000',
  ...overrides,
});

/**
 * Aborts `controller` 50 ms into `pending` and expects it to reject at once: a `BinanceAbortError` within 200 ms,
 * with `executed` as given — `'no'` (the default) for a call aborted before it was sent.
 */
async function expectAbortedAtOnce(
  pending: Promise<unknown>,
  controller: AbortController,
  executed: 'no' | 'unknown' = 'no',
): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
  const before = Date.now();
  controller.abort();
  const err = await pending;
  expect(Date.now() - before).toBeLessThan(200);
  expect(isBinanceError(err, 'aborted'), String(err)).toBe(true);
  expect((err as { executed: string }).executed).toBe(executed);
}

function expectNoSecrets(err: unknown) {
  const texts = [
    JSON.stringify(err),
    inspect(err, { depth: Infinity, showHidden: true }),
    String((err as Error).stack),
  ];
  for (const text of texts) {
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/signature=[0-9a-f]{64}/);
  }
}

describe.each(drivers)('conformance: $name', (driver) => {
  const client = (ex: FakeExchange, guard: BinanceGuard, extra = {}): Call =>
    driver.create(ex.url, { apiKey: API_KEY, apiSecret: API_SECRET, guard, ...extra });

  it('gives every one of the 106 codes its own typed error', async () => {
    const ex = await exchange();
    const call = client(ex, guardFor(ex, { throttle: false, breaker: false }));
    for (const entry of catalog) {
      const status = entry.http ?? (entry.code === -1003 ? 429 : 400);
      const fault = ex.fault({ kind: 'server-error', status, code: entry.code, match: { path: '/api/v3/order/test' } });
      const err = await fail(
        call({ method: 'POST', path: '/api/v3/order/test', params: order(), binance: { signed: false } }),
      );
      fault.remove();
      expect(isBinanceError(err), `${entry.code}`).toBe(true);
      expect(err, `${entry.code}`).toBeInstanceOf(
        errorClassFor(entry.category === 'rate-limit' && status === 418 ? 'ip-ban' : entry.category),
      );
      expect((err as { code: number }).code).toBe(entry.code);
      expectNoSecrets(err);
    }
  });

  it.each([7000, -4000])('syncs the clock first: a skew of %i ms from the start costs no -1021', async (skewMs) => {
    const ex = await exchange({ skewMs });
    const call = client(ex, guardFor(ex));
    expect((await call({ path: '/api/v3/account' })).status).toBe(200);
    expect(ex.count({ code: -1021 })).toBe(0);
  });

  it('recovers from a skew that appears after the sync with one re-signed retry, then no -1021 for 50 calls', async () => {
    const ex = await exchange();
    const call = client(ex, guardFor(ex));
    await call({ path: '/api/v3/account' });
    ex.setSkew(6000);
    expect((await call({ path: '/api/v3/account' })).status).toBe(200);
    expect(ex.count({ code: -1021 })).toBe(1);
    for (let i = 0; i < 50; i++) await call({ path: '/api/v3/account' });
    expect(ex.count({ code: -1021 })).toBe(1);
    expect(ex.count({ signatureValid: false })).toBe(0);
  });

  it('waits out a 429 without sending anything during the wait', async () => {
    // A 5 s window: on a loaded machine a 2 s one could end between the other process's 429 and our call.
    const windowMs = 5000;
    const limits: RateLimit[] = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 60 }];
    const ex = await exchange({ rateLimits: limits.map((l) => ({ ...l, intervalMs: windowMs })), ban: false });
    const guard = guardFor(ex, { throttle: { limits, intervalScale: windowMs / 60_000 } });
    const call = client(ex, guard);
    // The clock syncs first, in the background of the guard's first call: none of its /api/v3/time requests is then
    // in flight when the 429 comes, and any sent later would be one sent during the wait.
    await call({ path: '/api/v3/ping' });
    await clockSynced(guard);
    // Another process on the same IP spends the budget behind the guard's back.
    while ((await fetch(`${ex.url}/api/v3/depth?symbol=BTCUSDT&limit=500`)).status !== 429);
    const res = await call({ path: '/api/v3/ticker/price', params: { symbol: 'BTCUSDT' } });
    expect(res.status).toBe(200);
    const guarded = ex.requests.filter((r) => r.path === '/api/v3/ticker/price');
    expect(guarded.map((r) => r.status)).toEqual([429, 200]);
    const [first, second] = guarded;
    // Nothing of ours reached the exchange between the 429 and the end of its Retry-After.
    expect(ex.requests.filter((r) => r.time > first!.time && r.time < second!.time)).toEqual([]);
  });

  it('fails fast during a 418 ban with nothing sent, and works again after it', async () => {
    const ex = await exchange({
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 30, intervalMs: 1000 },
      ],
      ban: { after429s: 1, durationsMs: [1500] },
    });
    const guard = guardFor(ex);
    const call = client(ex, guard);
    while ((await fetch(`${ex.url}/api/v3/depth?symbol=BTCUSDT&limit=500`)).status !== 418);
    const ban = await fail(call({ path: '/api/v3/ping' }));
    expect(isBinanceError(ban, 'ip-ban')).toBe(true);
    expectNoSecrets(ban);
    const sent = ex.requests.length;
    for (let i = 0; i < 5; i++) expect(isBinanceError(await fail(call({ path: '/api/v3/ping' })), 'ip-ban')).toBe(true);
    expect(ex.requests.length).toBe(sent);
    // The clock has not synced (its sync waits for a call that succeeds): the guard waits the ban out by the answer's
    // Retry-After (whole seconds), not by the exchange's "banned until".
    expect(guard.snapshot().clock?.synced).toBe(false);
    await new Promise((r) => setTimeout(r, ((ban as { retryAfterMs?: number }).retryAfterMs ?? 0) + 250));
    expect((await call({ path: '/api/v3/ping' })).status).toBe(200);
  });

  it('opens the breaker in a -1008 storm, sends only probes, and recovers after it', async () => {
    const ex = await exchange();
    const guard = guardFor(ex, { breaker: { resetTimeoutMs: 300, volumeThreshold: 3 } });
    const call = client(ex, guard);
    const storm = ex.storm({ durationMs: 60_000, match: { path: '/api/v3/ticker/price' } });
    const results = [];
    for (let i = 0; i < 20; i++)
      results.push(await fail(call({ path: '/api/v3/ticker/price', params: { symbol: 'BTCUSDT' } })));
    expect(results.filter((e) => isBinanceError(e, 'circuit-open')).length).toBeGreaterThanOrEqual(15);
    expect(ex.count({ code: -1008 })).toBeLessThanOrEqual(4);
    await new Promise((r) => setTimeout(r, 350));
    expect(
      isBinanceError(await fail(call({ path: '/api/v3/ticker/price', params: { symbol: 'BTCUSDT' } })), 'server-busy'),
    ).toBe(true);
    storm.remove();
    await new Promise((r) => setTimeout(r, 350));
    expect((await call({ path: '/api/v3/ticker/price', params: { symbol: 'BTCUSDT' } })).status).toBe(200);
    expect(guard.snapshot().breaker?.state).toBe('closed');
  });

  it('sends a -1007 order exactly once and says its outcome is unknown', async () => {
    const ex = await exchange();
    const call = client(ex, guardFor(ex));
    ex.fault({ kind: 'timeout', placed: true, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const err = await fail(call({ method: 'POST', path: '/api/v3/order', form: order() }));
    expect(isBinanceError(err, 'unknown-outcome')).toBe(true);
    expect((err as { executed: string }).executed).toBe('unknown');
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
    expectNoSecrets(err);
  });

  it.each([true, false])('reconciles a -1007 order (placed: %s) by its client order id', async (placed) => {
    const ex = await exchange();
    const call = client(ex, guardFor(ex), { reconcile: true, recvWindow: 300 });
    ex.fault({ kind: 'timeout', placed, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const outcome = call({ method: 'POST', path: '/api/v3/order', form: order() });
    if (placed) {
      const res = await outcome;
      expect(res.data).toMatchObject({ symbol: 'BTCUSDT', status: 'NEW' });
    } else {
      const err = await fail(outcome);
      expect(isBinanceError(err, 'unknown-outcome')).toBe(true);
      expect((err as { executed: string }).executed).toBe('no');
    }
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
    // Not found before the recvWindow ends proves nothing: one more lookup once it has.
    expect(ex.count({ method: 'GET', path: '/api/v3/order' })).toBe(placed ? 1 : 2);
  });

  it('types 5xx HTML pages, WAF pages and connection resets', async () => {
    const ex = await exchange();
    const call = client(ex, guardFor(ex, { retry: { reads: 0 } }));
    // On the calls themselves, not on the clock's sync that the first starts beside it (/api/v3/time).
    ex.fault({ kind: 'html', status: 502, times: 1, match: { path: '/api/v3/ping' } });
    expect(isBinanceError(await fail(call({ path: '/api/v3/ping' })), 'unknown-outcome')).toBe(true);
    ex.fault({ kind: 'waf', times: 1, match: { path: '/api/v3/ping' } });
    expect(isBinanceError(await fail(call({ path: '/api/v3/ping' })), 'waf')).toBe(true);
    // On the order itself (not the clock's sync, which would leave it unsent).
    ex.fault({ kind: 'reset', times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const reset = await fail(call({ method: 'POST', path: '/api/v3/order', form: order() }));
    expect(isBinanceError(reset, 'network')).toBe(true);
    expect((reset as { executed: string }).executed).toBe('unknown');
    expectNoSecrets(reset);
  });

  it('rejects at once when aborted while waiting for the throttle', async () => {
    // A day-long window that may be waited out: the third call waits, and cannot slip into a new window. It holds the
    // two calls of weight 5 and the 3 /api/v3/time samples (weight 1) of the clock's sync, which the first starts.
    const limits: RateLimit[] = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'DAY', intervalNum: 1, limit: 13 }];
    const ex = await exchange();
    const guard = guardFor(ex, { throttle: { limits, safety: 1, maxWaitMs: 2 * 86_400_000 } });
    const call = client(ex, guard);
    await call({ path: '/api/v3/depth', params: { symbol: 'BTCUSDT', limit: '100' } });
    await clockSynced(guard);
    await call({ path: '/api/v3/depth', params: { symbol: 'BTCUSDT', limit: '100' } });
    const controller = new AbortController();
    const pending = fail(call({ path: '/api/v3/depth', params: { symbol: 'BTCUSDT' }, signal: controller.signal }));
    await expectAbortedAtOnce(pending, controller);
    expect(ex.count({ path: '/api/v3/depth' })).toBe(2);
  });

  it("rejects at once, unsent, when aborted while waiting for the clock's first sync; the order never leaves", async () => {
    // No throttle: only the clock holds the order back. Its samples of /api/v3/time take 300 ms each.
    const ex = await exchange();
    ex.fault({ kind: 'delay', ms: 300, match: { path: '/api/v3/time' } });
    const call = client(ex, guardFor(ex, { throttle: false }));
    const controller = new AbortController();
    const pending = fail(call({ method: 'POST', path: '/api/v3/order', form: order(), signal: controller.signal }));
    await expectAbortedAtOnce(pending, controller);
    // The sync goes on and completes; the aborted order is not sent after it.
    while (ex.count({ path: '/api/v3/time', status: 200 }) === 0) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 100));
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(0);
  });

  it.each([{ kind: 'server-error', status: 500 }, { kind: 'html', status: 502 }, { kind: 'reset' }] as const)(
    "refuses an order unsent when the clock's first sync fails ($kind), and syncs again for the next",
    async (fault) => {
      const ex = await exchange();
      const call = client(ex, guardFor(ex, { throttle: false }));
      const failing = ex.fault({ ...fault, match: { path: '/api/v3/time' } });
      const err = await fail(call({ method: 'POST', path: '/api/v3/order', form: order() }));
      expect(isBinanceError(err), String(err)).toBe(true);
      expect(err).toMatchObject({ executed: 'no', sent: false });
      expect((err as { message: string }).message).toMatch(
        /POST \/api\/v3\/order was not sent: the clock could not sync/,
      );
      expectNoSecrets(err);
      expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(0);
      failing.remove();
      expect((await call({ method: 'POST', path: '/api/v3/order', form: order() })).status).toBe(200);
    },
  );

  it('lets a caller waiting behind an identical order in flight give up at its own abort, unsent', async () => {
    const ex = await exchange();
    const call = client(ex, guardFor(ex));
    await call({ path: '/api/v3/account' });
    // The first order is placed at once, and answered 400 ms later.
    ex.fault({ kind: 'delay', ms: 400, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const first = call({ method: 'POST', path: '/api/v3/order', form: order() });
    await new Promise((r) => setTimeout(r, 50));
    const controller = new AbortController();
    const second = fail(call({ method: 'POST', path: '/api/v3/order', form: order(), signal: controller.signal }));
    await expectAbortedAtOnce(second, controller);
    expect((await first).status).toBe(200);
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
  });

  it('stops an order aborted in flight at once, after a garbage collection too, and never sends it again', async () => {
    // undici's Request follows its signal only while the Request lives (nodejs/undici#4068): a copy made for the
    // attempt and collected before the abort left the order in flight, and a retry after its late success sent it twice.
    const ex = await exchange();
    const call = client(ex, guardFor(ex));
    await call({ path: '/api/v3/account' });
    ex.fault({ kind: 'delay', ms: 1000, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const controller = new AbortController();
    const first = fail(call({ method: 'POST', path: '/api/v3/order', form: order(), signal: controller.signal }));
    await new Promise((r) => setTimeout(r, 10));
    collectGarbage();
    await new Promise((r) => setTimeout(r, 10));
    collectGarbage();
    await expectAbortedAtOnce(first, controller, 'unknown');
    const again = await fail(call({ method: 'POST', path: '/api/v3/order', form: order() }));
    expect(isBinanceError(again, 'unknown-outcome'), String(again)).toBe(true);
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
  });

  it('keeps a saturating burst under the limit with zero 429 and uses at least 90% of it', async () => {
    // The edge guard must cover the worst delay between release and arrival, which grows when the machine is busy
    // running the rest of the suite beside this test: the guard derives it from the measured round trips.
    const windowMs = 2000;
    const limits: RateLimit[] = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 600 }];
    const ex = await exchange({ rateLimits: limits.map((l) => ({ ...l, intervalMs: windowMs })) });
    const guard = guardFor(ex, { throttle: { limits, intervalScale: windowMs / 60_000, safety: 1 } });
    const call = client(ex, guard);
    await startClearOfColdEdge(ex, windowMs);
    const started = ex.now();
    const edgeMs = await widestEdgeGuard(
      guard,
      Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          call({ path: '/api/v3/depth', params: { symbol: 'BTCUSDT', limit: i % 3 ? '100' : '5' } }),
        ),
      ),
    );
    expect(ex.count({ status: 429 })).toBe(0);
    // Every full window between the first and the last request is at least 90% used, of what the edge guard leaves:
    // the last edgeMs of a window are charged to the next one as well (87.75% at its 50 ms floor).
    const windows = fullWindowWeights(ex.requests, windowMs);
    expect(windows.length).toBeGreaterThan(0);
    for (const { weight } of windows) expect(weight / 600).toBeGreaterThanOrEqual(0.9 * (1 - edgeMs / windowMs));
    expect(Math.floor(started / windowMs)).toBeLessThanOrEqual(windows[0]!.window);
  });
});

describe('conformance: all clients on one origin', () => {
  it('share one budget: zero 429 when axios, ky and got run a burst together', async () => {
    const limits: RateLimit[] = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 200 }];
    const ex = await exchange({ rateLimits: limits.map((l) => ({ ...l, intervalMs: 1000 })) });
    const guard = guardFor(ex, { throttle: { limits, intervalScale: 1000 / 60_000 } });
    const calls = drivers.map((d) => d.create(ex.url, { apiKey: API_KEY, apiSecret: API_SECRET, guard }));
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        calls[i % calls.length]!({ path: '/api/v3/depth', params: { symbol: 'BTCUSDT' } }),
      ),
    );
    expect(ex.count({ status: 429 })).toBe(0);
    expect(ex.count({ path: '/api/v3/depth', status: 200 })).toBe(300);
  });
});
