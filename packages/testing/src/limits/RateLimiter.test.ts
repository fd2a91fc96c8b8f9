import { afterEach, describe, expect, it } from 'vitest';
import { createFakeExchange } from '../createFakeExchange.ts';
import type { FakeExchange } from '../FakeExchange.ts';
import type { FakeExchangeOptions } from '../options/FakeExchangeOptions.ts';
import { TestClient } from '../testClient.ts';

// A base time aligned to every window (a UTC midnight); each test moves `clock` explicitly, so nothing depends on
// wall-clock timing.
const MINUTE = 60_000;
const W = Math.floor(1_700_000_000_000 / 86_400_000) * 86_400_000;
const WEIGHT_MSG = (limit: number, per: string) =>
  `Too much request weight used; current limit is ${limit} request weight per ${per}. Please use WebSocket Streams for live updates to avoid polling the API.`;
const BAN_MSG = (until: number) =>
  `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`;

let clock = W;
let ex: FakeExchange | undefined;

async function start(options: FakeExchangeOptions): Promise<{ ex: FakeExchange; client: TestClient }> {
  ex = await createFakeExchange({ now: () => clock, ...options });
  return { ex, client: new TestClient(ex, { apiKey: 'k', secret: 's' }) };
}

afterEach(async () => {
  await ex?.close();
  ex = undefined;
  clock = W;
});

const used = (r: { headers: Headers }) => r.headers.get('x-mbx-used-weight-1m');

describe('RateLimiter windows', () => {
  it('counts in fixed windows aligned to the server clock and resets at the boundary', async () => {
    const { client } = await start({});
    clock = W + MINUTE - 1000;
    expect(used(await client.get('/api/v3/depth', { symbol: 'BTCUSDT' }))).toBe('5');
    clock = W + MINUTE - 1;
    expect(used(await client.get('/api/v3/ping'))).toBe('6');
    clock = W + MINUTE;
    expect(used(await client.get('/api/v3/ping'))).toBe('1');
  });

  it('shortens windows with intervalMs while headers keep the nominal interval name', async () => {
    const { ex, client } = await start({
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100, intervalMs: 2000 },
      ],
    });
    expect(ex.rateLimits).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100, intervalMs: 2000 },
    ]);
    clock = W + 1999;
    await client.get('/api/v3/ping');
    expect(used(await client.get('/api/v3/ping'))).toBe('2');
    clock = W + 2000;
    expect(used(await client.get('/api/v3/ping'))).toBe('1');
    const info = await client.get('/api/v3/exchangeInfo');
    expect((info.data as { rateLimits: unknown[] }).rateLimits).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100 },
    ]);
  });

  it('scales every window with timeScale', async () => {
    const { ex } = await start({ timeScale: 30 });
    expect(ex.rateLimits.map((l) => l.intervalMs)).toEqual([2000, 10_000 / 30, 86_400_000 / 30, 10_000]);
  });

  it('aligns windows to the skewed server clock', async () => {
    const { ex, client } = await start({});
    clock = W + MINUTE - 500;
    await client.get('/api/v3/ping');
    expect(used(await client.get('/api/v3/ping'))).toBe('2');
    ex.setSkew(1000);
    expect(used(await client.get('/api/v3/ping'))).toBe('1');
  });

  it('counts a request in the window it arrived in, even when answered after the boundary', async () => {
    const { ex } = await start({});
    clock = W + MINUTE - 1;
    ex.fault({ kind: 'delay', ms: 50, times: 1 });
    const pending = fetch(`${ex.url}/api/v3/depth?symbol=BTCUSDT`);
    // The request is accounted on arrival; move the clock while its answer is held back.
    await new Promise((r) => setTimeout(r, 10));
    clock = W + MINUTE;
    const late = await pending;
    expect(late.headers.get('x-mbx-used-weight-1m')).toBe('5');
    expect(ex.requests[0]?.time).toBe(W + MINUTE - 1);
    const next = await fetch(`${ex.url}/api/v3/ping`);
    expect(next.headers.get('x-mbx-used-weight-1m')).toBe('1');
  });

  it('keys limits by a client-IP header when configured', async () => {
    const { ex, client } = await start({ clientIpHeader: 'x-fake-client-ip' });
    await client.get('/api/v3/depth', { symbol: 'BTCUSDT' }, { 'x-fake-client-ip': '10.0.0.1' });
    expect(used(await client.get('/api/v3/ping', {}, { 'x-fake-client-ip': '10.0.0.2' }))).toBe('1');
    expect(ex.client('10.0.0.1').usage[0]?.count).toBe(5);
    expect(ex.requests.map((e) => e.ip)).toEqual(['10.0.0.1', '10.0.0.2']);
  });
});

describe('RateLimiter 429 and 418', () => {
  const small = {
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 10 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 1000 },
    ],
    ban: { after429s: 2, durationsMs: [1000, 2000, 4000] },
  } satisfies FakeExchangeOptions;

  async function exhaust(client: TestClient): Promise<void> {
    for (let i = 0; i < 10; i++) expect((await client.get('/api/v3/ping')).status).toBe(200);
  }

  it('answers 429 -1003 with Retry-After in whole seconds until the window resets', async () => {
    const { client } = await start(small);
    clock = W + 15_500;
    await exhaust(client);
    const r = await client.get('/api/v3/ping');
    expect(r.status).toBe(429);
    expect(r.data).toEqual({ code: -1003, msg: WEIGHT_MSG(10, '1 MINUTE') });
    expect(r.headers.get('retry-after')).toBe('45');
    // Rejected requests still add their weight (documented choice).
    expect(used(r)).toBe('11');
  });

  it('bans with 418 after the allowed 429s and escalates the ban length', async () => {
    const { ex, client } = await start(small);
    clock = W + 1000;
    await exhaust(client);
    expect((await client.get('/api/v3/ping')).status).toBe(429);
    expect((await client.get('/api/v3/ping')).status).toBe(429);
    const ban1 = await client.get('/api/v3/ping');
    expect(ban1.status).toBe(418);
    expect(ban1.data).toEqual({ code: -1003, msg: BAN_MSG(W + 2000) });
    expect(ban1.headers.get('retry-after')).toBe('1');
    expect(ex.client().bannedUntil).toBe(W + 2000);

    // During the ban: 418 again, nothing counted, the ban not extended.
    const weightBefore = ex.client().usage[0]?.count;
    clock = W + 1500;
    const during = await client.get('/api/v3/exchangeInfo');
    expect(during.status).toBe(418);
    expect(during.data).toEqual({ code: -1003, msg: BAN_MSG(W + 2000) });
    expect(ex.client().usage[0]?.count).toBe(weightBefore);

    // After it, still over the limit in the same window: two more 429s, then a 2 s ban.
    clock = W + 2000;
    expect((await client.get('/api/v3/ping')).status).toBe(429);
    expect((await client.get('/api/v3/ping')).status).toBe(429);
    const ban2 = await client.get('/api/v3/ping');
    expect(ban2.status).toBe(418);
    expect(ban2.headers.get('retry-after')).toBe('2');
    expect(ban2.msg).toBe(BAN_MSG(W + 4000));

    clock = W + 4000;
    await client.get('/api/v3/ping');
    await client.get('/api/v3/ping');
    const ban3 = await client.get('/api/v3/ping');
    expect(ban3.headers.get('retry-after')).toBe('4');
    clock = W + 8000;
    await client.get('/api/v3/ping');
    await client.get('/api/v3/ping');
    const ban4 = await client.get('/api/v3/ping');
    expect(ban4.headers.get('retry-after')).toBe('4');
    expect(ex.client().bans).toBe(4);
    expect(ex.count({ status: 418 })).toBe(5);
    expect(ex.count({ status: 429, code: -1003 })).toBe(8);
  });

  it('starts over in the next window: a client that waited is not banned', async () => {
    const { client } = await start(small);
    await exhaust(client);
    expect((await client.get('/api/v3/ping')).status).toBe(429);
    expect((await client.get('/api/v3/ping')).status).toBe(429);
    clock = W + MINUTE;
    expect((await client.get('/api/v3/ping')).status).toBe(200);
  });

  it('rounds Retry-After of a ban up to whole seconds', async () => {
    const { client } = await start({ ...small, ban: { after429s: 1, durationsMs: [1500] } });
    await exhaust(client);
    await client.get('/api/v3/ping');
    const ban = await client.get('/api/v3/ping');
    expect(ban.headers.get('retry-after')).toBe('2');
    clock = W + 1;
    expect((await client.get('/api/v3/ping')).headers.get('retry-after')).toBe('2');
    clock = W + 1000;
    expect((await client.get('/api/v3/ping')).headers.get('retry-after')).toBe('1');
  });

  it('bans on the first over-limit request with after429s: 0', async () => {
    const { client } = await start({ ...small, ban: { after429s: 0, durationsMs: [1000] } });
    await exhaust(client);
    expect((await client.get('/api/v3/ping')).status).toBe(418);
  });

  it('never bans with ban: false', async () => {
    const { client } = await start({ ...small, ban: false });
    await exhaust(client);
    for (let i = 0; i < 10; i++) expect((await client.get('/api/v3/ping')).status).toBe(429);
  });

  it('bans one client address without touching another', async () => {
    const { client } = await start({ ...small, clientIpHeader: 'x-fake-client-ip' });
    const a = { 'x-fake-client-ip': 'a' };
    for (let i = 0; i < 13; i++) await client.get('/api/v3/ping', {}, a);
    expect((await client.get('/api/v3/ping', {}, a)).status).toBe(418);
    expect((await client.get('/api/v3/ping', {}, { 'x-fake-client-ip': 'b' })).status).toBe(200);
  });

  it('limits RAW_REQUESTS regardless of weight', async () => {
    const { client } = await start({
      rateLimits: [{ rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 3 }],
    });
    for (let i = 0; i < 3; i++) expect((await client.get('/api/v3/ping')).status).toBe(200);
    const r = await client.get('/api/v3/ping');
    expect(r.status).toBe(429);
    expect(r.msg).toBe(WEIGHT_MSG(3, '5 MINUTE'));
    expect(r.headers.get('retry-after')).toBe('300');
    expect(r.headers.get('x-mbx-used-weight-1m')).toBeNull();
  });
});

describe('RateLimiter ORDERS', () => {
  const limits = {
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 3 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 5 },
    ],
    accounts: [
      { apiKey: 'k', secret: 's', balances: { USDT: '100000', BTC: '10' } },
      { apiKey: 'k2', secret: 's2', balances: { USDT: '100000' } },
    ],
  } satisfies FakeExchangeOptions;
  const resting = (i: number) => ({
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.01',
    price: String(50_000 + i),
  });

  it('counts unfilled orders per account with X-MBX-ORDER-COUNT headers and answers 429 -1015 past the limit', async () => {
    const { ex, client } = await start(limits);
    clock = W + 3000;
    for (let i = 1; i <= 3; i++) {
      const r = await client.signed('POST', '/api/v3/order', resting(i));
      expect(r.status).toBe(200);
      expect(r.headers.get('x-mbx-order-count-10s')).toBe(String(i));
      expect(r.headers.get('x-mbx-order-count-1d')).toBe(String(i));
    }
    const r = await client.signed('POST', '/api/v3/order', resting(4));
    expect(r.status).toBe(429);
    expect(r.data).toEqual({ code: -1015, msg: 'Too many new orders; current limit is 3 orders per 10 SECOND.' });
    expect(r.headers.get('retry-after')).toBe('7');
    expect(r.headers.get('x-mbx-order-count-10s')).toBe('3');
    expect(ex.requests.at(-1)?.weight).toBe(1);
    // ORDERS are per account: another key on the same IP still trades.
    const other = new TestClient(ex, { apiKey: 'k2', secret: 's2' });
    expect((await other.signed('POST', '/api/v3/order', resting(5))).status).toBe(200);
    const usage = await client.signed('GET', '/api/v3/rateLimit/order');
    expect(usage.data).toEqual([
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 3, count: 3 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 5, count: 3 },
    ]);
  });

  it('reports the longer window once it is the one exhausted', async () => {
    const { client } = await start(limits);
    for (let i = 1; i <= 3; i++) await client.signed('POST', '/api/v3/order', resting(i));
    clock = W + 10_000;
    for (let i = 4; i <= 5; i++) expect((await client.signed('POST', '/api/v3/order', resting(i))).status).toBe(200);
    const r = await client.signed('POST', '/api/v3/order', resting(6));
    expect(r.msg).toBe('Too many new orders; current limit is 5 orders per 1 DAY.');
    const dayEnd = Math.floor(clock / 86_400_000) * 86_400_000 + 86_400_000;
    expect(r.headers.get('retry-after')).toBe(String(Math.ceil((dayEnd - clock) / 1000)));
  });

  it('does not count orders rejected before the matching engine, and drops filled ones after their response', async () => {
    const { ex, client } = await start(limits);
    const bad = await client.signed('POST', '/api/v3/order', { ...resting(1), quantity: '0.000001' });
    expect(bad.data).toEqual({ code: -1013, msg: 'Filter failure: LOT_SIZE' });
    expect(ex.orderUsage('k')[0]?.count).toBe(0);
    const market = await client.signed('POST', '/api/v3/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.01',
    });
    expect(market.headers.get('x-mbx-order-count-10s')).toBe('1');
    expect(ex.orderUsage('k')[0]?.count).toBe(0);
  });

  it('keeps filled orders counted with decrementOrderCountOnFill: false', async () => {
    const { ex, client } = await start({ ...limits, decrementOrderCountOnFill: false });
    await client.signed('POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' });
    expect(ex.orderUsage('k')[0]?.count).toBe(1);
  });
});

describe('rate limit options', () => {
  it('rejects bad limits naming the option and value', async () => {
    await expect(
      createFakeExchange({
        rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'WEEK' as 'DAY', intervalNum: 1, limit: 1 }],
      }),
    ).rejects.toThrow(/rateLimits\[0\]\.interval .*WEEK/);
    await expect(
      createFakeExchange({ rateLimits: [{ rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 0, limit: 1 }] }),
    ).rejects.toThrow(RangeError);
    await expect(createFakeExchange({ ban: { durationsMs: [] } })).rejects.toThrow(/ban\.durationsMs/);
    await expect(createFakeExchange({ timeScale: 0 })).rejects.toThrow(/timeScale must be > 0, got 0/);
  });
});

describe('RateLimiter.chargeOrders with counts per interval', () => {
  it('charges each ORDERS limit its own count, and nothing when one would be exceeded', async () => {
    const { RateLimiter } = await import('./RateLimiter.ts');
    const { resolveLimit } = await import('./ResolvedLimit.ts');
    const { USDM_TEXTS } = await import('../http/usdmMessages.ts');
    const limits = [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 10 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
    ] as const;
    const limiter = new RateLimiter(
      limits.map((l, i) => resolveLimit({ ...l }, i, 1)),
      false,
      USDM_TEXTS,
    );
    const batch = { '10S': 5, '1M': 1 };
    limiter.chargeOrders('acct', W, batch);
    limiter.chargeOrders('acct', W, batch);
    expect(limiter.orderUsage('acct', W).map((u) => u.count)).toEqual([10, 2]);
    expect(() => limiter.chargeOrders('acct', W, batch)).toThrow(
      'Too many new orders; current limit is 10 orders per 10 SECOND.',
    );
    expect(limiter.orderUsage('acct', W).map((u) => u.count)).toEqual([10, 2]);
    // An interval the record does not name is charged the largest count, on the safe side.
    limiter.chargeOrders('other', W, { '10S': 3 });
    expect(limiter.orderUsage('other', W).map((u) => u.count)).toEqual([3, 3]);
  });
});
