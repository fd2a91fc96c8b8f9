import { binanceErrors } from '@binance-errors/axios';
import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import { expect, it } from 'vitest';

// Code written for axios' cancel tokens tells a cancellation from a failure with `axios.isCancel(err)`. The plugin's
// typed abort error passes it, as axios' CanceledError did.

const API_KEY = 'finding-axios-iscancel-key-0123456789abcdef';
const API_SECRET = 'finding-axios-iscancel-secret-0123456789abcdef';

it('a cancelled token still reads as a cancel to axios.isCancel, and stays typed', async () => {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000' } }],
  });
  const guard = new BinanceGuard(ex.url, {});
  try {
    const api = axios.create({ baseURL: ex.url });
    binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }).install(api);
    ex.fault({ kind: 'delay', ms: 500, times: 1, match: { method: 'GET', path: '/api/v3/ticker/price' } });
    const source = axios.CancelToken.source();
    setTimeout(() => source.cancel('component unmounted'), 100);
    const err = await api
      .get('/api/v3/ticker/price', { params: { symbol: 'BTCUSDT' }, cancelToken: source.token })
      .catch((e: unknown) => e);
    expect(isBinanceError(err)).toBe(true);
    expect(axios.isCancel(err)).toBe(true);

    const early = axios.CancelToken.source();
    early.cancel('never mind');
    const err2 = await api
      .get('/api/v3/ticker/price', { params: { symbol: 'BTCUSDT' }, cancelToken: early.token })
      .catch((e: unknown) => e);
    expect(axios.isCancel(err2)).toBe(true);
  } finally {
    guard.close();
    await ex.close();
  }
});
