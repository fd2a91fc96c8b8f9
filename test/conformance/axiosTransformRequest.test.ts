import { binanceErrors } from '@binance-errors/axios';
import { BinanceGuard } from '@binance-errors/core';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import axios, { type AxiosRequestTransformer } from 'axios';
import { afterEach, expect, it } from 'vitest';

// An object `data` with a `transformRequest` of the caller's is an everyday axios form body. Transforms of the
// caller's alone (a `qs.stringify`) get the object they were written for, and the guard signs the text they make.
// Beside axios' own transform (a logger appended to the defaults, a pass-through before them), axios makes the object
// JSON, so the plugin sends its form parameters instead. Either way the order is placed as the caller wrote it.

const API_KEY = 'axios-transform-request-key-0123456789abcdef';
const API_SECRET = 'axios-transform-request-secret-0123456789abcdef';
const ORDER = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '20000' };
const DEFAULTS = axios.defaults.transformRequest as AxiosRequestTransformer[];

/** What `qs.stringify(data)` does for a flat object. */
const formEncode: AxiosRequestTransformer = (data) =>
  data && typeof data === 'object'
    ? Object.entries(data)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&')
    : data;
/** Returns what it was given, as a logger does. */
const logRequest: AxiosRequestTransformer = (data) => data;
/** Sets a header and returns the object: axios' own transform, next, serialises it. */
const tagRequest: AxiosRequestTransformer = (data, headers) => {
  headers.set('X-Request-Tag', 'bot-1');
  return data;
};

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function exchange(): Promise<FakeExchange> {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000000', BTC: '10' } }],
  });
  cleanups.push(() => ex.close());
  return ex;
}

it.each([
  ['a form-encoding transform alone (qs.stringify)', [formEncode]],
  ['a logger appended to axios defaults', [...DEFAULTS, logRequest]],
  ['a header-setting pass-through before axios defaults', [tagRequest, ...DEFAULTS]],
])('%s: the order goes out with its parameters, signed', async (_name, transformRequest) => {
  const ex = await exchange();
  const guard = new BinanceGuard(ex.url, {});
  cleanups.push(() => guard.close());
  const api = axios.create({ baseURL: ex.url, transformRequest });
  binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }).install(api);

  const { data } = await api.post('/api/v3/order', { ...ORDER, newClientOrderId: 'mine' });

  expect(data).toMatchObject({ symbol: 'BTCUSDT', clientOrderId: 'mine' });
  const sent = ex.findRequests({ method: 'POST', path: '/api/v3/order' });
  expect(sent).toHaveLength(1);
  expect(sent[0]!.params).toMatchObject(ORDER);
});
