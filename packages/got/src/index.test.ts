import { inspect } from 'node:util';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import got, { HTTPError, type Response } from 'got';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BinanceFilterError, BinanceGuard, binanceErrors, isBinanceError } from './index.ts';

const apiKey = 'got-test-api-key-0123456789';
const apiSecret = 'got-test-api-secret-0123456789';
let ex: FakeExchange;
let guard: BinanceGuard;
/** A limit order the fake exchange accepts, as form parameters. */
const ORDER = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '20000' };

beforeEach(async () => {
  ex = await createFakeExchange({ accounts: [{ apiKey, secret: apiSecret, balances: { USDT: '100000' } }] });
  guard = new BinanceGuard(ex.url);
});
afterEach(async () => {
  guard.close();
  await ex.close();
});

describe('binanceErrors (got)', () => {
  it('throws a Binance error even where the caller asked got not to (throwHttpErrors: false)', async () => {
    const api = got.extend({ prefixUrl: ex.url, throwHttpErrors: false }, binanceErrors({ guard }));
    const err = await api.get('api/v3/depth', { searchParams: { symbol: 'NOPE' } }).catch((e: unknown) => e);
    expect(isBinanceError(err, 'request'), String(err)).toBe(true);
    expect((err as { code: number }).code).toBe(-1121);
  });

  it('signs a request through got.extend() with a prefixUrl, and .json() reads the final response', async () => {
    const api = got.extend({ prefixUrl: ex.url }, binanceErrors({ apiKey, apiSecret, guard }));
    const account = await api.get('api/v3/account').json<{ balances: unknown[] }>();
    expect(Array.isArray(account.balances)).toBe(true);
    const text = await api.get('api/v3/account').text();
    expect(JSON.parse(text)).toHaveProperty('balances');
    const bytes = await api.get('api/v3/account').buffer();
    expect(JSON.parse(Buffer.from(bytes).toString('utf8'))).toHaveProperty('balances');
    const body = await api.get('api/v3/ping', { resolveBodyOnly: true, responseType: 'json' });
    expect(body).toEqual({});
    expect(ex.findRequests({ path: '/api/v3/account' }).map((r) => r.signatureValid)).toEqual([true, true, true]);
  });

  it('signs the query got built, and rebuilds one that carries a timestamp or recvWindow of its own', async () => {
    const sent: string[] = [];
    const api = got.extend(
      { prefixUrl: ex.url, hooks: { beforeRequest: [(options) => void sent.push(String(options.url))] } },
      binanceErrors({ apiKey, apiSecret, guard }),
    );
    await api.get('api/v3/openOrders', { searchParams: { symbol: 'BTCUSDT' } }).json();
    await api.get('api/v3/openOrders', { searchParams: { symbol: 'BTCUSDT', recvWindow: 3000, timestamp: 1 } }).json();
    const orders = sent.filter((url) => url.includes('/openOrders'));
    expect(orders[0]).toMatch(/\/openOrders\?symbol=BTCUSDT&timestamp=\d{13}&recvWindow=5000&signature=[0-9a-f]{64}$/);
    expect(orders[1]).toMatch(/\/openOrders\?symbol=BTCUSDT&timestamp=\d{13}&recvWindow=3000&signature=[0-9a-f]{64}$/);
    expect(ex.findRequests({ path: '/api/v3/openOrders' }).map((r) => r.signatureValid)).toEqual([true, true]);
  });

  it("runs the user's hooks on every attempt and their handlers around it", async () => {
    const seen: string[] = [];
    const api = got.extend(
      {
        prefixUrl: ex.url,
        searchParams: { symbol: 'BTCUSDT' },
        handlers: [
          (options, next) => {
            seen.push('handler');
            const promise = next(options);
            // What a handler in front of the plugin gets back is got's promise API.
            const api = promise as unknown as Record<'json' | 'text' | 'on' | 'cancel', unknown>;
            seen.push(`api ${[api.json, api.text, api.on, api.cancel].map((f) => typeof f)}`);
            return promise;
          },
        ],
        hooks: {
          // Every attempt goes out as a promise call, never as a stream (the plugin marks the call one for a tick).
          beforeRequest: [
            (options) =>
              void seen.push(
                `before ${options.url?.toString().includes('signature=')}${options.isStream ? ' stream' : ''}`,
              ),
          ],
          afterResponse: [
            (response) => {
              seen.push(`response ${response.statusCode}`);
              return response;
            },
          ],
        },
      },
      binanceErrors({ apiKey, apiSecret, guard }),
    );
    const res = (await api.get('api/v3/openOrders')) as Response;
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('[]');
    expect(seen.slice(0, 4)).toEqual([
      'handler',
      'api function,function,function,function',
      'before false',
      'response 200',
    ]);
    expect(seen.slice(-2)).toEqual(['before true', 'response 200']);
    expect(ex.findRequests({ path: '/api/v3/openOrders' })[0]?.params.symbol).toBe('BTCUSDT');
  });

  it("re-signs a -1021 on a new request built on the call's options, without the key on the clock's requests", async () => {
    const api = got.extend({ prefixUrl: ex.url }, binanceErrors({ apiKey, apiSecret, guard }));
    await api.get('api/v3/account').json();
    ex.setSkew(6000);
    // The first attempt goes out as got's own request for the call; the retry after the resync is a new one.
    const statuses: number[] = [];
    const firsts: number[] = [];
    const removed: number[] = [];
    const notHeard = (res: Response) => removed.push(res.statusCode);
    const orders = await api
      .get('api/v3/openOrders', { searchParams: { symbol: 'BTCUSDT' } })
      .on('response', (res: Response) => statuses.push(res.statusCode))
      .once('response', (res: Response) => firsts.push(res.statusCode))
      .on('response', notHeard)
      .off('response', notHeard)
      .json<unknown[]>();
    expect(orders).toEqual([]);
    expect(statuses).toEqual([400, 200]); // got's promise events come from every attempt
    expect(firsts).toEqual([400]);
    expect(removed).toEqual([]);
    const calls = ex.findRequests({ path: '/api/v3/openOrders' });
    expect(calls.map((r) => [r.code, r.signatureValid, r.params.symbol, r.apiKey])).toEqual([
      [-1021, true, 'BTCUSDT', apiKey],
      [undefined, true, 'BTCUSDT', apiKey],
    ]);
    const times = ex.findRequests({ path: '/api/v3/time' });
    expect(times.length).toBeGreaterThan(3); // the first sync and the resync
    expect(times.map((r) => r.apiKey)).toEqual(times.map(() => undefined));
  });

  it('signs string, Buffer and json/form object bodies as form parameters, and refuses a nested one with nothing sent', async () => {
    // No content type given: got would send none, and Binance reads parameters from form bodies only.
    const api = got.extend({ prefixUrl: ex.url }, binanceErrors({ apiKey, apiSecret, guard }));
    const order = new URLSearchParams(ORDER).toString();
    await api.post('api/v3/order', { body: order }).json();
    const placed = await api.post('api/v3/order', { body: Buffer.from(order) }).json<{ orderId: number }>();
    expect(typeof placed.orderId).toBe('number');
    await api.post('api/v3/order', { json: { ...ORDER, newClientOrderId: 'json-1' } }).json();
    await api.post('api/v3/order', { form: { ...ORDER, newClientOrderId: 'form-1' } }).json();
    const sent = ex.findRequests({ method: 'POST', path: '/api/v3/order' });
    expect(sent.map((r) => [r.signatureValid, r.params.quantity, r.status])).toEqual([
      [true, '0.01', 200],
      [true, '0.01', 200],
      [true, '0.01', 200],
      [true, '0.01', 200],
    ]);
    const err = await api
      .post('api/v3/order', { json: { ...ORDER, extra: { nested: true } } })
      .json()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(
      /binance-errors \(got\) cannot sign an object body whose field "extra" is of type Object/,
    );
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(4);
  });

  it('re-signs a -1021 on a form POST that was the first signed call (the clock synced just before it)', async () => {
    let skewed = false;
    const contentTypes: unknown[] = [];
    const api = got.extend(
      {
        prefixUrl: ex.url,
        hooks: {
          beforeRequest: [
            (options) => {
              if (!String(options.url).includes('/api/v3/order')) return;
              contentTypes.push(options.headers['content-type']);
              // The server's clock jumps after the sync, as the order leaves.
              if (!skewed) {
                skewed = true;
                ex.setSkew(6000);
              }
            },
          ],
        },
      },
      binanceErrors({ apiKey, apiSecret, guard }),
    );
    const placed = await api.post('api/v3/order', { form: ORDER }).json<{ orderId: number }>();
    expect(typeof placed.orderId).toBe('number');
    const sent = ex.findRequests({ method: 'POST', path: '/api/v3/order' });
    expect(sent.map((r) => [r.code, r.signatureValid, r.params.quantity])).toEqual([
      [-1021, true, '0.01'],
      [undefined, true, '0.01'],
    ]);
    expect(contentTypes).toEqual(['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded']);
  });

  it('throws typed errors that carry the response and no secrets; POST orders are sent once', async () => {
    const api = got.extend({ prefixUrl: ex.url }, binanceErrors({ apiKey, apiSecret, guard }));
    const form = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.0001', price: '1' };
    // Through the .json() shortcut: it rejects with the typed error, and nothing is left unhandled.
    const err = await api
      .post('api/v3/order', { form })
      .json()
      .catch((e: unknown) => e);
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
    const api = got.extend({ prefixUrl: ex.url }, binanceErrors({ apiKey, apiSecret, guard }));
    const untouched = await api.get('api/v3/account', { context: { binance: { enabled: false } } }).catch((e) => e);
    expect(untouched).toBeInstanceOf(HTTPError);
    const unsigned = await api.get('api/v3/account', { context: { binance: { signed: false } } }).catch((e) => e);
    expect(isBinanceError(unsigned, 'auth')).toBe(true);
    // Both went out without the key or a signature: the exchange answered "API-key format invalid" to each.
    expect(ex.count({ path: '/api/v3/account', code: -2014 })).toBe(2);
  });

  it('keeps the stream API working', async () => {
    const api = got.extend({ prefixUrl: ex.url }, binanceErrors({ guard }));
    let text = '';
    for await (const chunk of api.stream('api/v3/ticker/price', { searchParams: { symbol: 'BTCUSDT' } })) {
      text += String(chunk);
    }
    expect(JSON.parse(text)).toMatchObject({ symbol: 'BTCUSDT' });
  });

  it('an abort while waiting for budget rejects at once, with nothing sent', async () => {
    guard.close();
    // A day-long window that may be waited out: the second ping waits, and cannot slip into a new window.
    const limits = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'DAY', intervalNum: 1, limit: 1 } as const];
    guard = new BinanceGuard(ex.url, { throttle: { limits, safety: 1, maxWaitMs: 2 * 86_400_000 } });
    const api = got.extend({ prefixUrl: ex.url }, binanceErrors({ guard }));
    await api.get('api/v3/ping');
    const controller = new AbortController();
    const aborted = api.get('api/v3/ping', { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const err = await aborted;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(isBinanceError(err, 'aborted'), String(err)).toBe(true);
    expect(ex.count({ path: '/api/v3/ping' })).toBe(1);
  });

  it('cancel() stops an attempt already in flight, before its answer or in its body, typed as aborted, whether or not the call has a signal of its own', async () => {
    const api = got.extend({ prefixUrl: ex.url }, binanceErrors({ guard }));
    await api.get('api/v3/ping');
    // The clock's sync, which the first call starts, is over: the faults and counts below are the calls' own.
    await vi.waitFor(() => expect(guard.snapshot().clock?.synced).toBe(true));
    const cases = [
      // The answer is held back: cancelled while waiting for the headers.
      { fault: { kind: 'delay', ms: 3000 }, inBody: false },
      // The headers and a first piece of the body came: cancelled while reading it (not typed as a cut-off body).
      { fault: { kind: 'slow-body', ms: 3000, chunks: 10 }, inBody: true },
    ] as const;
    for (const { fault, inBody } of cases)
      for (const signal of [undefined, new AbortController().signal]) {
        ex.fault({ ...fault, times: 1 });
        const asked = ex.count({ path: '/api/v3/time' });
        const call = api.get('api/v3/time', signal ? { signal } : {});
        const settled = call.catch((e: unknown) => e);
        // The attempt is out: the exchange has it, and for `inBody` the body has begun to arrive.
        if (inBody)
          await new Promise<void>((resolve) =>
            call.on('downloadProgress', (progress) => progress.transferred > 0 && resolve()),
          );
        else await vi.waitFor(() => expect(ex.count({ path: '/api/v3/time' })).toBeGreaterThan(asked));
        const started = Date.now();
        // got 16 types no `cancel`; the plugin's call promise keeps the one got ≤ 13 users call.
        (call as unknown as { cancel(): void }).cancel();
        const err = await settled;
        expect(Date.now() - started, 'rejected without waiting for the answer').toBeLessThan(1000);
        expect(isBinanceError(err, 'aborted'), `${fault.kind}: ${err}`).toBe(true);
        expect((err as { executed?: unknown }).executed).toBe('unknown');
      }
  });

  it('cancel() after the answer came leaves its connection alone, which the next request may be using', async () => {
    const api = got.extend({ prefixUrl: ex.url }, binanceErrors({ guard }));
    const answered = api.get('api/v3/ping');
    await answered;
    await vi.waitFor(() => expect(guard.snapshot().clock?.synced).toBe(true));
    const asked = ex.count({ path: '/api/v3/time' });
    ex.fault({ kind: 'delay', ms: 200, times: 1 });
    const next = api.get('api/v3/time');
    await vi.waitFor(() => expect(ex.count({ path: '/api/v3/time' })).toBe(asked + 1));
    (answered as unknown as { cancel(): void }).cancel();
    await expect(next).resolves.toMatchObject({ statusCode: 200 });
  });

  it("applies the user's timeout to each attempt", async () => {
    const api = got.extend({ prefixUrl: ex.url, timeout: { request: 150 } }, binanceErrors({ guard }));
    ex.fault({ kind: 'delay', ms: 400, times: 3, match: { path: '/api/v3/ping' } });
    const slow = await api.get('api/v3/ping').catch((e: unknown) => e);
    expect(isBinanceError(slow, 'timeout'), String(slow)).toBe(true);
  });
});
