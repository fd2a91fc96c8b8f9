import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import ky, { isHTTPError } from 'ky';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BinanceFilterError, BinanceGuard, binanceErrors, isBinanceError } from './index.ts';

const apiKey = 'ky-test-api-key-0123456789';
const apiSecret = 'ky-test-api-secret-0123456789';
let ex: FakeExchange;
let guard: BinanceGuard;

beforeEach(async () => {
  ex = await createFakeExchange({ accounts: [{ apiKey, secret: apiSecret, balances: { USDT: '100000' } }] });
  guard = new BinanceGuard(ex.url);
});
afterEach(async () => {
  guard.close();
  await ex.close();
});

describe('binanceErrors (ky)', () => {
  it('throws a Binance error even where the caller asked ky not to (throwHttpErrors: false)', async () => {
    const api = ky.create({ prefix: ex.url, throwHttpErrors: false }).extend(binanceErrors({ guard }));
    const err = await api.get('api/v3/depth', { searchParams: { symbol: 'NOPE' } }).catch((e: unknown) => e);
    expect(isBinanceError(err, 'request'), String(err)).toBe(true);
    expect((err as { code: number }).code).toBe(-1121);
  });

  it('signs a request through ky.extend() with a prefix', async () => {
    const api = ky.extend({ prefix: ex.url }).extend(binanceErrors({ apiKey, apiSecret, guard }));
    const account = await api.get('api/v3/account').json<{ balances: unknown[] }>();
    expect(Array.isArray(account.balances)).toBe(true);
    expect(ex.findRequests({ path: '/api/v3/account' }).map((r) => r.signatureValid)).toEqual([true]);
  });

  it('runs after hooks added before and after it, and keeps a custom fetch', async () => {
    const seen: string[] = [];
    const api = ky
      .create({
        prefix: ex.url,
        fetch: (input, init) => {
          const url = input instanceof Request ? input.url : String(input);
          seen.push(`fetch ${url.includes('signature=') ? 'signed' : 'unsigned'}`);
          return fetch(input, init);
        },
        hooks: {
          beforeRequest: [
            ({ request }) => {
              seen.push('before');
              const url = new URL(request.url);
              url.searchParams.set('symbol', 'BTCUSDT');
              return new Request(url, request);
            },
          ],
        },
      })
      .extend(binanceErrors({ apiKey, apiSecret, guard }))
      .extend({
        hooks: {
          beforeRequest: [() => void seen.push('after')],
          afterResponse: [({ response }) => void seen.push(`response ${response.status}`)],
        },
      });
    await api.get('api/v3/openOrders').json();
    // Three time samples, then the signed call; the user's hooks see the request once and the response once.
    expect(seen).toEqual([
      'before',
      'after',
      'fetch unsigned',
      'fetch unsigned',
      'fetch unsigned',
      'fetch signed',
      'response 200',
    ]);
    expect(ex.findRequests({ path: '/api/v3/openOrders' })[0]?.params.symbol).toBe('BTCUSDT');
  });

  it('hands a public request to fetch as ky built it, on every attempt', async () => {
    const sent: unknown[] = [];
    let built: Request | undefined;
    const api = ky
      .create({
        prefix: ex.url,
        fetch: (input, init) => {
          // The clock's samples of /api/v3/time, which the first call starts, go through this fetch too.
          if (!(input instanceof Request && input.url.includes('/api/v3/time'))) sent.push(input);
          return fetch(input, init);
        },
        hooks: {
          beforeRequest: [
            ({ request }) => {
              built = request;
            },
          ],
        },
      })
      .extend(binanceErrors({ guard }));
    ex.fault({ kind: 'html', status: 502, times: 1, match: { path: '/api/v3/ticker/price' } });
    // A 502 page, then the guard's read retry: both attempts are the very request ky's hooks saw.
    const price = await api.get('api/v3/ticker/price', { searchParams: { symbol: 'BTCUSDT' } }).json();
    expect(price).toHaveProperty('symbol', 'BTCUSDT');
    expect(ex.findRequests({ path: '/api/v3/ticker/price' }).map((r) => r.status)).toEqual([502, 200]);
    expect(sent).toHaveLength(2);
    expect(sent.every((input) => input === built)).toBe(true);
  });

  it('sends a signed string body as form parameters, where fetch would label it text/plain', async () => {
    const api = ky.create({ prefix: ex.url }).extend(binanceErrors({ apiKey, apiSecret, guard }));
    const order = 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=20000';
    const placed = await api.post('api/v3/order', { body: order }).json<{ orderId: number }>();
    expect(typeof placed.orderId).toBe('number');
    const sent = ex.findRequests({ method: 'POST', path: '/api/v3/order' });
    expect(sent.map((r) => [r.signatureValid, r.params.quantity])).toEqual([[true, '0.01']]);
  });

  it('throws typed errors that carry the response and no secrets', async () => {
    const api = ky.create({ prefix: ex.url }).extend(binanceErrors({ apiKey, apiSecret, guard }));
    const body = new URLSearchParams({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.0001',
      price: '1',
    });
    const err = await api.post('api/v3/order', { body }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BinanceFilterError);
    if (!isBinanceError(err, 'filter')) throw err;
    expect(err.response?.status).toBe(400);
    expect(err.response?.data).toEqual({ code: -1013, msg: err.msg });
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
    for (const text of [JSON.stringify(err), inspect(err, { depth: Infinity, showHidden: true })]) {
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain(apiSecret);
      expect(text).not.toMatch(/signature=[0-9a-f]{64}/);
    }
  });

  it('honours per-request opt-outs in context.binance', async () => {
    const api = ky.create({ prefix: ex.url }).extend(binanceErrors({ apiKey, apiSecret, guard }));
    const untouched = await api.get('api/v3/account', { context: { binance: { enabled: false } } }).catch((e) => e);
    expect(isHTTPError(untouched), String(untouched)).toBe(true);
    const unsigned = await api.get('api/v3/account', { context: { binance: { signed: false } } }).catch((e) => e);
    expect(isBinanceError(unsigned, 'auth')).toBe(true);
    // Both went out without the key or a signature: the exchange answered "API-key format invalid" to each.
    expect(ex.count({ path: '/api/v3/account', code: -2014 })).toBe(2);
  });

  it("passes the user's signal: an abort while waiting for budget rejects at once, with nothing sent", async () => {
    guard.close();
    // A day-long window that may be waited out: the second ping waits, and cannot slip into a new window.
    const limits = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'DAY', intervalNum: 1, limit: 1 } as const];
    guard = new BinanceGuard(ex.url, { throttle: { limits, safety: 1, maxWaitMs: 2 * 86_400_000 } });
    const api = ky.create({ prefix: ex.url }).extend(binanceErrors({ guard }));
    await api.get('api/v3/ping');
    const controller = new AbortController();
    const waiting = api.get('api/v3/ping', { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const err = await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(isBinanceError(err, 'aborted'), String(err)).toBe(true);
    expect(ex.count({ path: '/api/v3/ping' })).toBe(1);
  });

  it("types ky's timeout by whether the request went out: 'unknown' after, 'no' while it waited for budget", async () => {
    // Placed at once, answered after ky's timeout.
    ex.fault({ kind: 'delay', ms: 1000, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const api = ky.create({ prefix: ex.url, timeout: 300 }).extend(binanceErrors({ apiKey, apiSecret, guard }));
    const late = await api
      .post('api/v3/order', { json: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' } })
      .catch((e: unknown) => e);
    expect(isBinanceError(late, 'timeout'), String(late)).toBe(true);
    expect((late as { executed: string }).executed).toBe('unknown');
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);

    // A day-long window of 1 weight: the second ping waits for budget until ky gives up.
    const limits = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'DAY', intervalNum: 1, limit: 1 } as const];
    const throttled = new BinanceGuard(ex.url, { throttle: { limits, safety: 1, maxWaitMs: 2 * 86_400_000 } });
    try {
      const pings = ky.create({ prefix: ex.url, timeout: 300 }).extend(binanceErrors({ guard: throttled }));
      await pings.get('api/v3/ping');
      const waited = await pings.get('api/v3/ping').catch((e: unknown) => e);
      expect(isBinanceError(waited, 'timeout'), String(waited)).toBe(true);
      expect((waited as { executed: string }).executed).toBe('no');
      expect(ex.count({ path: '/api/v3/ping' })).toBe(1);
    } finally {
      throttled.close();
    }
  });

  it("hands the platform's fetch the options ky passes beside its Request (a proxy's dispatcher) on signed attempts too", async () => {
    // Node's own dispatcher (made when its fetch is first loaded), behind a wrapper that counts what it is asked to
    // send, as a proxy's agent would be given.
    void globalThis.fetch;
    const node = (globalThis as Record<symbol, { dispatch(opts: unknown, handler: unknown): boolean } | undefined>)[
      Symbol.for('undici.globalDispatcher.1')
    ];
    if (node === undefined) throw new Error("Node's global dispatcher is not where undici keeps it");
    const sent: string[] = [];
    const dispatcher = {
      dispatch(opts: { method: string; path: string }, handler: unknown) {
        sent.push(`${opts.method} ${opts.path.split('?')[0]}`);
        return node.dispatch(opts, handler);
      },
    };
    // ky forwards options it does not know to fetch; its types do not list `dispatcher`.
    const api = ky.create({ prefix: ex.url, dispatcher } as object).extend(binanceErrors({ apiKey, apiSecret, guard }));
    await api.get('api/v3/account').json();
    await api.get('api/v3/ticker/price', { searchParams: { symbol: 'BTCUSDT' } }).json();
    // The clock's samples of the server time go the same way, before the signed call.
    expect(sent.filter((line) => line !== 'GET /api/v3/time')).toEqual([
      'GET /api/v3/account',
      'GET /api/v3/ticker/price',
    ]);
    expect(sent[0]).toBe('GET /api/v3/time');
    expect(ex.findRequests({ path: '/api/v3/account' }).map((r) => r.signatureValid)).toEqual([true]);
  });

  it('stops a signed request at its abort after a garbage collection, through a custom fetch that takes only the Request', async () => {
    // undici's Request follows its signal only while it lives (nodejs/undici#4068): the attempt's Request must.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    ex.fault({ kind: 'delay', ms: 2000, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const api = ky
      .create({ prefix: ex.url, fetch: (input) => fetch(input) })
      .extend(binanceErrors({ apiKey, apiSecret, guard }));
    await api.get('api/v3/account');
    const controller = new AbortController();
    const pending = api
      .post('api/v3/order', {
        json: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' },
        signal: controller.signal,
      })
      .catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    gc();
    await new Promise((r) => setTimeout(r, 10));
    gc();
    const before = Date.now();
    controller.abort();
    const err = await pending;
    expect(Date.now() - before).toBeLessThan(500);
    expect(isBinanceError(err, 'aborted'), String(err)).toBe(true);
  });

  it("answers with a response that reads as ky's own: URL, redirected, type, status and headers, after a redirect too", async () => {
    const server = createServer((req, res) => {
      if (req.url === '/moved') res.writeHead(302, { location: '/api/v3/ticker/price?symbol=BTCUSDT' }).end();
      else {
        res
          .writeHead(200, { 'content-type': 'application/json', 'x-mbx-used-weight-1m': '2' })
          .end('{"symbol":"BTCUSDT","price":"97000.01"}');
      }
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const own = new BinanceGuard(origin);
    try {
      const bare = ky.create({ prefix: origin });
      const plugged = bare.extend(binanceErrors({ guard: own }));
      const seen = async (api: typeof ky, path: string) => {
        const res = await api.get(path);
        const { url, redirected, type, status, statusText, ok } = res;
        const headers = [...res.headers].filter(([name]) => name !== 'date');
        return { url, redirected, type, status, statusText, ok, headers, body: await res.json() };
      };
      for (const path of ['api/v3/ticker/price?symbol=BTCUSDT', 'moved']) {
        const expected = await seen(bare, path);
        expect([expected.url, expected.redirected]).toEqual([
          `${origin}/api/v3/ticker/price?symbol=BTCUSDT`,
          path === 'moved',
        ]);
        expect(await seen(plugged, path), path).toEqual(expected);
      }
    } finally {
      own.close();
      server.close();
      server.closeAllConnections();
    }
  });

  it('rejects bad options naming them', () => {
    expect(() => binanceErrors({ recvWindow: 70_000 })).toThrow(/recvWindow/);
    expect(() => binanceErrors({ apiSecret })).toThrow(/apiKey is required/);
  });
});
