import { binanceErrors } from '@binance-errors/axios';
import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import { expect, it } from 'vitest';

// A `transformResponse` that parses the body (`JSONbig.parse`, lossless-json) runs on a rejection's response too.
// On the plugin's typed error, whose body is parsed and redacted already, it would throw, and its SyntaxError would
// replace the error: axios runs no transform over it.

const API_KEY = 'finding-axios-tr-key-0123456789abcdef';
const API_SECRET = 'finding-axios-tr-secret-0123456789abcdef';

it('a parsing transformResponse does not turn a Binance error into a SyntaxError', async () => {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000' } }],
  });
  const guard = new BinanceGuard(ex.url, {});
  try {
    const api = axios.create({ baseURL: ex.url, transformResponse: [(data: string) => JSON.parse(data)] });
    api.interceptors.request.use(binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }));
    // Success path works: the transform gets raw text.
    const { data } = await api.get('/api/v3/account');
    expect(data.balances).toBeDefined();

    const error = await api.get('/api/v3/order', { params: { symbol: 'BTCUSDT', orderId: 424242 } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ex.requests.filter((r) => r.path === '/api/v3/order')).toHaveLength(1);
    expect(isBinanceError(error)).toBe(true);
    expect((error as { category?: string }).category).toBe('not-found');
  } finally {
    guard.close();
    await ex.close();
  }
});
