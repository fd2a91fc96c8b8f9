import { inspect } from 'node:util';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import axios, { type AxiosAdapter } from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BinanceFilterError, BinanceGuard, binanceErrors, isBinanceError } from './index.ts';

const apiKey = 'axios-test-api-key-0123456789';
const apiSecret = 'axios-test-api-secret-0123456789';
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

describe('binanceErrors (axios)', () => {
  it('throws a Binance error even where the caller asked axios not to (validateStatus accepting every status)', async () => {
    const api = axios.create({ baseURL: ex.url, validateStatus: () => true });
    binanceErrors({ guard }).install(api);
    const err = await api.get('/api/v3/depth', { params: { symbol: 'NOPE' } }).catch((e: unknown) => e);
    expect(isBinanceError(err, 'request'), String(err)).toBe(true);
    expect((err as { code: number }).code).toBe(-1121);
  });

  it('signs through install() and removes itself with the returned function', async () => {
    const api = axios.create({ baseURL: ex.url });
    const detach = binanceErrors({ apiKey, apiSecret, guard }).install(api);
    expect((await api.get('/api/v3/account')).status).toBe(200);
    detach();
    const err = await api.get('/api/v3/account').catch((e: unknown) => e);
    // Without the plugin nothing signs the request: the exchange refuses it, and axios throws its own error.
    expect(axios.isAxiosError(err)).toBe(true);
    expect(ex.count({ path: '/api/v3/account', code: -2014 })).toBe(1);
  });

  it('runs after interceptors registered before and after it, and keeps a custom adapter', async () => {
    const api = axios.create({ baseURL: ex.url });
    const seen: string[] = [];
    const inner = axios.getAdapter(axios.defaults.adapter);
    const adapter: AxiosAdapter = (config) => {
      seen.push(`adapter ${config.url?.includes('signature=') ? 'signed' : 'unsigned'}`);
      return inner(config);
    };
    api.defaults.adapter = adapter;
    api.interceptors.request.use((config) => {
      seen.push('before');
      config.params = { ...config.params, symbol: 'BTCUSDT' };
      return config;
    });
    binanceErrors({ apiKey, apiSecret, guard }).install(api);
    api.interceptors.request.use((config) => {
      seen.push('after');
      return config;
    });
    api.interceptors.response.use((res) => {
      seen.push('response');
      return res;
    });
    const res = await api.get('/api/v3/openOrders');
    expect(res.status).toBe(200);
    expect(seen).toEqual([
      'after',
      'before',
      'adapter unsigned',
      'adapter unsigned',
      'adapter unsigned',
      'adapter signed',
      'response',
    ]);
    expect(ex.findRequests({ path: '/api/v3/openOrders' })[0]?.params.symbol).toBe('BTCUSDT');
  });

  it("builds the URL with the instance's paramsSerializer", async () => {
    // Binance wants lists as JSON (symbols=["BTCUSDT","ETHUSDT"]), which axios' default serializer does not write.
    const api = axios.create({
      baseURL: ex.url,
      paramsSerializer: {
        serialize: (params) =>
          new URLSearchParams(
            Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? JSON.stringify(v) : String(v)]),
          ).toString(),
      },
    });
    binanceErrors({ guard }).install(api);
    const res = await api.get<unknown[]>('/api/v3/ticker/price', { params: { symbols: ['BTCUSDT', 'ETHUSDT'] } });
    expect(res.data).toHaveLength(2);
    expect(ex.findRequests({ path: '/api/v3/ticker/price' })[0]?.params.symbols).toBe('["BTCUSDT","ETHUSDT"]');
    // The guard sends the URL it built (and weighed), so this is what it saw too.
    expect(res.headers['x-mbx-used-weight-1m']).toBe('4');
  });

  it('signs a Buffer body as it is sent, and refuses one it cannot sign with nothing sent', async () => {
    const api = axios.create({ baseURL: ex.url });
    binanceErrors({ apiKey, apiSecret, guard }).install(api);
    const order = 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=20000';
    const res = await api.post('/api/v3/order', Buffer.from(order));
    expect(res.status).toBe(200);
    const placed = ex.findRequests({ method: 'POST', path: '/api/v3/order' });
    expect(placed.map((r) => [r.signatureValid, r.params.quantity])).toEqual([[true, '0.01']]);
    const form = new FormData();
    form.set('symbol', 'BTCUSDT');
    const err = await api.post('/api/v3/order', form).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(/binance-errors \(axios\) cannot sign a request body of type FormData/);
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
  });

  it('throws typed errors that keep the axios response view and no secrets', async () => {
    const api = axios.create({ baseURL: ex.url });
    api.interceptors.request.use(binanceErrors({ apiKey, apiSecret, guard }));
    const form = new URLSearchParams({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.0001',
      price: '1',
    });
    const err = await api.post('/api/v3/order', form).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BinanceFilterError);
    if (!isBinanceError(err, 'filter')) throw err;
    expect(err.msg).toBe(`Filter failure: ${err.filter}`);
    expect(err.response?.status).toBe(400);
    expect(err.response?.data).toEqual({ code: -1013, msg: err.msg });
    for (const text of [JSON.stringify(err), inspect(err, { depth: Infinity, showHidden: true })]) {
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain(apiSecret);
      expect(text).not.toMatch(/signature=[0-9a-f]{64}/);
    }
  });

  it('honours per-request opt-outs', async () => {
    const api = axios.create({ baseURL: ex.url });
    api.interceptors.request.use(binanceErrors({ apiKey, apiSecret, guard }));
    const untouched = await api.get('/api/v3/account', { binance: { enabled: false } }).catch((e: unknown) => e);
    expect(axios.isAxiosError(untouched), String(untouched)).toBe(true);
    const unsigned = await api.get('/api/v3/account', { binance: { signed: false } }).catch((e: unknown) => e);
    expect(isBinanceError(unsigned, 'auth')).toBe(true);
    // Both went out without the key or a signature: the exchange answered "API-key format invalid" to each.
    expect(ex.count({ path: '/api/v3/account', code: -2014 })).toBe(2);
  });

  it("applies the user's timeout to each attempt, not to the throttle wait", async () => {
    guard.close();
    const limits = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2 } as const];
    guard = new BinanceGuard(ex.url, {
      throttle: { limits, safety: 1, intervalScale: 500 / 60_000 },
      retry: { reads: 0 },
    });
    const api = axios.create({ baseURL: ex.url, timeout: 150 });
    api.interceptors.request.use(binanceErrors({ guard }));
    const started = Date.now();
    const pings = await Promise.all([1, 2, 3, 4, 5].map(() => api.get('/api/v3/ping')));
    expect(pings.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(Date.now() - started).toBeGreaterThan(150);
    ex.fault({ kind: 'delay', ms: 400, times: 1, match: { path: '/api/v3/ping' } });
    const slow = await api.get('/api/v3/ping').catch((e: unknown) => e);
    expect(isBinanceError(slow, 'timeout')).toBe(true);
  });

  it('rejects bad options naming them', () => {
    expect(() => binanceErrors({ recvWindow: 70_000 })).toThrow(/recvWindow/);
    expect(() => binanceErrors({ apiSecret })).toThrow(/apiKey is required/);
    expect(() => binanceErrors({ nope: 1 } as never)).toThrow(/unknown option "nope"/);
  });
});
