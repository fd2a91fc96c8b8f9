import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import { type BinanceError, isBinanceError } from '@binance-errors/core';
import { binanceErrors as gotPlugin } from '@binance-errors/got';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import got from 'got';
import { describe, expect, it } from 'vitest';
import { deferredCleanups } from './support/lifecycle.ts';

// A request the client itself refuses to build (a header it cannot send, an option it rejects, a body over its
// limit) never leaves. The plugin must say so — typed, `executed: 'no'`, not retryable — must not send it again in
// another shape, and must not hold the identical order back as one whose outcome is unknown.

const API_KEY = 'refusals-api-key-0123456789abcdef';
const API_SECRET = 'refusals-api-secret-0123456789abcdef';
const ORDER = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' };

const defer = deferredCleanups();

async function exchange(): Promise<FakeExchange> {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '100000000' } }],
  });
  defer(() => ex.close());
  return ex;
}

type Place = (ex: FakeExchange, refused: boolean) => Promise<unknown>;

function axiosClient(ex: FakeExchange) {
  const api = axios.create({ baseURL: ex.url });
  api.interceptors.request.use(axiosPlugin({ apiKey: API_KEY, apiSecret: API_SECRET }));
  return api;
}

function gotClient(ex: FakeExchange) {
  return got.extend({ prefixUrl: ex.url }, gotPlugin({ apiKey: API_KEY, apiSecret: API_SECRET }));
}

const CASES: Array<{ name: string; place: Place }> = [
  {
    name: 'axios, a body over maxBodyLength',
    place: (ex, refused) => axiosClient(ex).post('/api/v3/order', ORDER, refused ? { maxBodyLength: 10 } : {}),
  },
  {
    name: 'got, a header value got cannot send',
    place: (ex, refused) =>
      gotClient(ex)
        .post('api/v3/order', { form: ORDER, ...(refused && { headers: { 'x-note': 'a\r\nb' } }) })
        .json(),
  },
  {
    // got builds the call's options only in part, without the method: an attempt built again from them was a GET.
    name: 'got, an option got rejects',
    place: (ex, refused) =>
      gotClient(ex)
        .post('api/v3/order', { form: ORDER, ...(refused && { searchParams: 5 as unknown as string }) })
        .json(),
  },
];

describe('refusals: a request the client will not build is refused, unsent, and the order stays free', () => {
  for (const { name, place } of CASES) {
    it(name, async () => {
      const ex = await exchange();
      const error = await place(ex, true).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isBinanceError(error), String(error)).toBe(true);
      const err = error as BinanceError;
      expect(err.category).toBe('request');
      expect(err.executed).toBe('no');
      expect(err.retryable).toBe(false);
      expect(err.message).toContain('refused before it was sent');
      // Nothing reached the order endpoint, in any method.
      expect(ex.count({ path: '/api/v3/order' })).toBe(0);

      // The identical order, now sent right, goes out at once and executes once.
      await place(ex, false);
      expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
      expect(ex.orders(API_KEY)).toHaveLength(1);
    });
  }
});
