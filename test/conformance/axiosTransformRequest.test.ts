import { binanceErrors } from '@binance-errors/axios';
import { BinanceGuard } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import { expect, it } from 'vitest';

// An object `data` with a `transformRequest` that form-encodes it (`qs.stringify`) is the everyday axios form body.
// The plugin turns a plain object into form parameters only when axios' own transforms would otherwise send it as
// JSON; a transform of the caller's gets the object it was written for, and the guard signs the text it makes.

const API_KEY = 'finding-axios-treq-key-0123456789abcdef';
const API_SECRET = 'finding-axios-treq-secret-0123456789abcdef';

it("a form-encoding transformRequest still sends the caller's order parameters", async () => {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000000', BTC: '10' } }],
  });
  const guard = new BinanceGuard(ex.url, {});
  try {
    // What `qs.stringify(data)` does for a flat object.
    const formEncode = (data: Record<string, unknown>) =>
      Object.entries(data)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&');
    const api = axios.create({
      baseURL: ex.url,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      transformRequest: [(data) => (data && typeof data === 'object' ? formEncode(data) : data)],
    });
    api.interceptors.request.use(binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }));

    const order = {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01',
      price: '20000',
    };
    const result = await api.post('/api/v3/order', order).then(
      (r) => r.data,
      (e: unknown) => e,
    );
    const sent = ex.requests.filter((r) => r.path === '/api/v3/order');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.params).toMatchObject(order);
    expect(result).toMatchObject({ symbol: 'BTCUSDT', clientOrderId: expect.any(String) });
  } finally {
    guard.close();
    await ex.close();
  }
});
