import { binanceErrors } from '@binance-errors/axios';
import { BinanceGuard } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import axios, { type AxiosRequestTransformer } from 'axios';
import { expect, it } from 'vitest';

// A transform of the caller's beside axios' own (`[...axios.defaults.transformRequest, logger]`, or a pass-through
// that sets a header, before them): axios' own transform still sends a plain object as JSON, so the plugin still makes
// the object form parameters, and the order is placed.

const API_KEY = 'finding-axios-append-key-0123456789abcdef';
const API_SECRET = 'finding-axios-append-secret-0123456789abcdef';
const order = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '20000' };

it('an identity/logging transform appended to axios defaults: the order is still placed', async () => {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000000', BTC: '10' } }],
  });
  const guard = new BinanceGuard(ex.url, {});
  try {
    const logged: unknown[] = [];
    const logRequest: AxiosRequestTransformer = (data) => {
      logged.push(data);
      return data;
    };
    const api = axios.create({
      baseURL: ex.url,
      transformRequest: [...(axios.defaults.transformRequest as AxiosRequestTransformer[]), logRequest],
    });
    binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }).install(api);
    const result = await api.post('/api/v3/order', { ...order, newClientOrderId: 'appended' }).then(
      (r) => r.data,
      (e: unknown) => e,
    );
    expect(result).toMatchObject({ symbol: 'BTCUSDT', clientOrderId: 'appended' });
    const sent = ex.requests.filter((r) => r.path === '/api/v3/order');
    expect(sent[0]!.params).toMatchObject(order);
  } finally {
    guard.close();
    await ex.close();
  }
});

it('a header-setting transform placed before axios defaults: the order is still placed', async () => {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000000', BTC: '10' } }],
  });
  const guard = new BinanceGuard(ex.url, {});
  try {
    // Returns the object it was given: axios' own transform, next, serialises it (as JSON, unless it is form data).
    const tagRequest: AxiosRequestTransformer = (data, headers) => {
      headers.set('X-Request-Tag', 'bot-1');
      return data;
    };
    const api = axios.create({
      baseURL: ex.url,
      transformRequest: [tagRequest, ...(axios.defaults.transformRequest as AxiosRequestTransformer[])],
    });
    binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }).install(api);
    const result = await api.post('/api/v3/order', { ...order, newClientOrderId: 'prepended' }).then(
      (r) => r.data,
      (e: unknown) => e,
    );
    expect(result).toMatchObject({ symbol: 'BTCUSDT', clientOrderId: 'prepended' });
  } finally {
    guard.close();
    await ex.close();
  }
});
