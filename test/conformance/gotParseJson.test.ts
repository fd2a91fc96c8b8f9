import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { binanceErrors } from '@binance-errors/got';
import { createFakeExchange } from '@binance-errors/testing';
import got from 'got';
import { expect, it } from 'vitest';

// With `responseType: 'json'` and a lossless `parseJson` (every number an object or a BigInt), or an `encoding`
// such as base64, got's `body` is not what Binance said. The guard reads the bytes (`rawBody`) of the caller's
// answers, and the clock's own /api/v3/time samples are not parsed by the caller's parser.

const API_KEY = 'finding-got-pj-key-0123456789abcdef';
const API_SECRET = 'finding-got-pj-secret-0123456789abcdef';

/** What lossless-json's `parse` gives: every number as a LosslessNumber object. */
const losslessParse = (text: string): unknown =>
  JSON.parse(text, (_key, value) =>
    typeof value === 'number' ? { isLosslessNumber: true, value: String(value) } : value,
  );

it('a signed request works with responseType json and a lossless parseJson', async () => {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000' } }],
  });
  const guard = new BinanceGuard(ex.url, {});
  try {
    const api = got.extend(
      { prefixUrl: ex.url, responseType: 'json', parseJson: losslessParse },
      binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }),
    );
    // Public requests work.
    expect((await api.get('api/v3/ticker/price', { searchParams: { symbol: 'BTCUSDT' } })).statusCode).toBe(200);

    const account = await api.get('api/v3/account').then(
      (r) => r.statusCode,
      (e: unknown) => (isBinanceError(e) ? `${e.category}: ${e.message}` : e),
    );
    expect(account).toBe(200);

    // An error answer keeps its Binance code.
    const error = await api.get('api/v3/order', { searchParams: { symbol: 'BTCUSDT', orderId: 31337 } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBinanceError(error) && error.code).toBe(-2013);
  } finally {
    guard.close();
    await ex.close();
  }
});
