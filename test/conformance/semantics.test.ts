import { createHmac } from 'node:crypto';
import { BinanceGuard, type BinanceGuardOptions, isBinanceError } from '@binance-errors/core';
import { createFakeExchange, type FakeExchange, type FakeExchangeOptions } from '@binance-errors/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { fail } from '../support/fail.ts';
import { type HostileProxy, hostileProxy, type ProxyAnswer } from '../support/hostileProxy.ts';
import { type Call, drivers } from './drivers.ts';

// Binance's own semantics and hostile input, row by row for every adapter: numbers a proxy garbles, a 5xx answer
// to a placement, reconcile against a late arrival, geo-blocks, and concurrent -1021s.

const API_KEY = 'semantics-api-key-0123456789abcdef';
const API_SECRET = 'semantics-api-secret-0123456789abcdef';
const THREE_DAYS = 3 * 24 * 60 * 60 * 1000;

let exchanges: FakeExchange[] = [];
let proxies: HostileProxy[] = [];
let guards: BinanceGuard[] = [];
afterEach(async () => {
  for (const g of guards) g.close();
  await Promise.all([...proxies.map((p) => p.close()), ...exchanges.map((e) => e.close())]);
  exchanges = [];
  proxies = [];
  guards = [];
});

async function exchange(options: FakeExchangeOptions = {}): Promise<FakeExchange> {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000000', BTC: '100' } }],
    ...options,
  });
  exchanges.push(ex);
  return ex;
}

async function proxy(ex: FakeExchange, script: Parameters<typeof hostileProxy>[1]): Promise<HostileProxy> {
  const p = await hostileProxy(ex.url, script);
  proxies.push(p);
  return p;
}

function guardFor(url: string, options: BinanceGuardOptions = {}): BinanceGuard {
  const guard = new BinanceGuard(url, options);
  guards.push(guard);
  return guard;
}

const order = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '20000' };

/** Answers the first request to `path` with `answer`, forwards everything else. */
function once(path: string, answer: ProxyAnswer) {
  let used = false;
  return (req: { url?: string | undefined }) => {
    if (used || !req.url?.startsWith(path)) return undefined;
    used = true;
    return answer;
  };
}

describe.each(drivers)('semantics: $name', (driver) => {
  const client = (url: string, guard: BinanceGuard, extra = {}): Call =>
    driver.create(url, { apiKey: API_KEY, apiSecret: API_SECRET, guard, ...extra });

  it.each([
    ['banned until 9999999999999999 and Retry-After 1e400', 'IP banned until 9999999999999999', '1e400', undefined],
    ['a µs ban end with an IPv6 address', 'IP(2001:db8::1) banned until {us}', undefined, 120_000],
    ['an "IP()" ban with a garbage Retry-After', 'IP() banned until {ms}', 'x'.repeat(40), 120_000],
  ])('a hostile 418 (%s) still stops every request until a sane deadline', async (_, text, retryAfter, banMs) => {
    const ex = await exchange();
    const until = Date.now() + (banMs ?? 0);
    const msg = `Way too much request weight used; ${text.replace('{us}', `${until}000`).replace('{ms}', `${until}`)}. Please use WebSocket Streams for live updates to avoid bans.`;
    const p = await proxy(
      ex,
      once('/api/v3/depth', {
        status: 418,
        headers: { 'content-type': 'application/json', ...(retryAfter && { 'retry-after': retryAfter }) },
        body: JSON.stringify({ code: -1003, msg }),
      }),
    );
    const call = client(p.url, guardFor(p.url));
    const ban = await fail(call({ path: '/api/v3/depth', params: { symbol: 'BTCUSDT' } }));
    expect(isBinanceError(ban, 'ip-ban')).toBe(true);
    const bannedUntil = (ban.bannedUntil as Date).getTime();
    expect(Number.isFinite(bannedUntil)).toBe(true);
    if (banMs === undefined) expect(bannedUntil).toBeLessThanOrEqual(Date.now() + THREE_DAYS);
    else expect(bannedUntil).toBe(until);
    expect(() => JSON.stringify(ban)).not.toThrow();

    const sent = ex.count();
    const next = await fail(call({ path: '/api/v3/ping' }));
    expect(isBinanceError(next, 'ip-ban')).toBe(true);
    expect(next.executed).toBe('no');
    expect(ex.count()).toBe(sent);
    expect(p.answered).toBe(1);
  });

  it('a 429 with a Retry-After of thirty nines pauses every request (for at most three days), not NaN', async () => {
    const ex = await exchange();
    const p = await proxy(
      ex,
      once('/api/v3/depth', {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '9'.repeat(30) },
        body: JSON.stringify({ code: -1003, msg: 'Too many requests queued.' }),
      }),
    );
    const call = client(p.url, guardFor(p.url, { throttle: { maxWaitMs: 200 } }));
    const limited = await fail(call({ path: '/api/v3/depth', params: { symbol: 'BTCUSDT' } }));
    expect(isBinanceError(limited, 'rate-limit')).toBe(true);
    expect(limited.retryAfterMs).toBe(THREE_DAYS);
    const sent = ex.count();
    const next = await fail(call({ path: '/api/v3/ping' }));
    expect(isBinanceError(next)).toBe(true);
    expect(next.executed).toBe('no');
    expect(ex.count()).toBe(sent);
  });

  it('a -1008 answered to a placement is executed "unknown", never re-sent (not even by the caller), and the breaker still counts it', async () => {
    const ex = await exchange();
    const call = client(ex.url, guardFor(ex.url, { breaker: { consecutiveFailures: 2 } }));
    ex.fault({ kind: 'server-busy', times: 2, match: { method: 'POST', path: '/api/v3/order' } });
    // Two different orders: an identical one would be answered without sending (its outcome is unknown).
    for (const newClientOrderId of ['busy-1', 'busy-2']) {
      const busy = await fail(call({ method: 'POST', path: '/api/v3/order', form: { ...order, newClientOrderId } }));
      expect(isBinanceError(busy, 'server-busy')).toBe(true);
      expect(busy.status).toBe(503);
      expect(busy.executed).toBe('unknown');
      expect(busy.retryable).toBe(false);
    }
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(2);
    const again = await fail(
      call({ method: 'POST', path: '/api/v3/order', form: { ...order, newClientOrderId: 'busy-1' } }),
    );
    expect(isBinanceError(again, 'unknown-outcome')).toBe(true);
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(2);
    const open = await fail(call({ method: 'POST', path: '/api/v3/order', form: order }));
    expect(isBinanceError(open, 'circuit-open')).toBe(true);
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(2);
  });

  it('reconcile concludes "not placed" only from a lookup made after timestamp + recvWindow on the server', async () => {
    const ex = await exchange({ skewMs: 1500 });
    const call = client(ex.url, guardFor(ex.url), { reconcile: true, recvWindow: 400 });
    ex.fault({ kind: 'timeout', times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const err = await fail(call({ method: 'POST', path: '/api/v3/order', form: order }));
    expect(isBinanceError(err, 'unknown-outcome')).toBe(true);
    expect(err.executed).toBe('no');
    const [placement] = ex.findRequests({ method: 'POST', path: '/api/v3/order' });
    const lookups = ex.findRequests({ method: 'GET', path: '/api/v3/order' });
    const expiresAt = Number(placement?.params.timestamp) + Number(placement?.params.recvWindow);
    expect(lookups.at(-1)!.time).toBeGreaterThanOrEqual(expiresAt);
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
  });

  it("a re-send of an unresolved placement is reconciled against the first send's recvWindow, not sent again", async () => {
    const ex = await exchange();
    const call = client(ex.url, guardFor(ex.url), { reconcile: true, recvWindow: 600 });
    ex.fault({ kind: 'timeout', times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    // The first call may not wait for the recvWindow to end, so its outcome stays unknown.
    const first = await fail(call({ method: 'POST', path: '/api/v3/order', form: order, binance: { maxWaitMs: 50 } }));
    expect(isBinanceError(first, 'unknown-outcome'), String(first.message)).toBe(true);
    expect(first.executed).toBe('unknown');
    // The same order again, allowed to wait: answered by a lookup after the first send expired, not by a send.
    const again = await fail(call({ method: 'POST', path: '/api/v3/order', form: order }));
    expect(isBinanceError(again, 'unknown-outcome')).toBe(true);
    expect(again.executed).toBe('no');
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
    const [placement] = ex.findRequests({ method: 'POST', path: '/api/v3/order' });
    const expiresAt = Number(placement?.params.timestamp) + Number(placement?.params.recvWindow);
    expect(ex.findRequests({ method: 'GET', path: '/api/v3/order' }).at(-1)!.time).toBeGreaterThanOrEqual(expiresAt);
  });

  it('reconcile resolves with the order when a late arrival executes it after a first "not found"', async () => {
    let lookups = 0;
    const ex: FakeExchange = await exchange({
      onRequest: (entry) => {
        if (entry.method !== 'GET' || entry.path !== '/api/v3/order' || ++lookups !== 1) return;
        // The placement, held up on the way, reaches the matching engine inside its recvWindow.
        const [original] = ex.findRequests({ method: 'POST', path: '/api/v3/order' });
        const params = new URLSearchParams({ ...original!.params, timestamp: String(ex.now()) });
        params.delete('signature');
        params.set('signature', createHmac('sha256', API_SECRET).update(params.toString()).digest('hex'));
        void fetch(`${ex.url}/api/v3/order`, {
          method: 'POST',
          headers: { 'x-mbx-apikey': API_KEY, 'content-type': 'application/x-www-form-urlencoded' },
          body: params.toString(),
        });
      },
    });
    const call = client(ex.url, guardFor(ex.url), { reconcile: true, recvWindow: 1000 });
    ex.fault({ kind: 'timeout', times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const res = await call({ method: 'POST', path: '/api/v3/order', form: order });
    expect(res.data).toMatchObject({ symbol: 'BTCUSDT', status: 'NEW' });
    expect(ex.count({ method: 'GET', path: '/api/v3/order' })).toBe(2);
  });

  it.each([
    ['api', 451],
    ['cdn', 403],
  ] as const)('a geo-block (via %s, HTTP %i) is a BinanceRestrictedLocationError, sent once', async (via, status) => {
    const ex = await exchange();
    const call = client(ex.url, guardFor(ex.url));
    ex.fault({ kind: 'restricted-location', via, times: 1 });
    const err = await fail(call({ path: '/api/v3/ping' }));
    expect(isBinanceError(err, 'restricted-location')).toBe(true);
    expect(err.name).toBe('BinanceRestrictedLocationError');
    expect(err.status).toBe(status);
    expect(err.executed).toBe('no');
    expect(err.retryable).toBe(false);
    expect(err.hint).toMatch(/location/);
    expect(err.hint).not.toMatch(/SQL/);
    expect(ex.count({ path: '/api/v3/ping' })).toBe(1);
  });

  it.each([
    [{ clock: { resyncIntervalMs: Number.POSITIVE_INFINITY } }, /clock.resyncIntervalMs .*got Infinity/],
    [{ breaker: { resetTimeoutMs: 2 ** 31 } }, /breaker.resetTimeoutMs .*got 2147483648/],
    [{ throttle: { maxWaitMs: 2 ** 31 } }, /throttle.maxWaitMs .*got 2147483648/],
    [{ throttle: { maxwait: 10 } }, /unknown option "throttle.maxwait"; did you mean "throttle.maxWaitMs"/],
    [{ retry: { read: 1 } }, /unknown option "retry.read"; did you mean "retry.reads"/],
    [{ apiKey: 'key\r\nX-Evil: 1', apiSecret: API_SECRET }, /apiKey contains a control character/],
  ])('refuses %j when binanceErrors() is called, naming the option', async (options, message) => {
    const ex = await exchange();
    expect(() => driver.create(ex.url, options as never)).toThrow(message);
    expect(ex.count()).toBe(0);
  });

  it('twenty concurrent -1021 answers share one resync', async () => {
    const ex = await exchange();
    const call = client(ex.url, guardFor(ex.url, { clock: { samples: 1 } }));
    await call({ path: '/api/v3/account' });
    const synced = ex.count({ path: '/api/v3/time' });
    ex.setSkew(6000);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => call({ path: '/api/v3/openOrders', params: { symbol: 'BTCUSDT' } })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(ex.count({ code: -1021 })).toBe(20);
    expect(ex.count({ path: '/api/v3/time' }) - synced).toBe(1);
  });
});
