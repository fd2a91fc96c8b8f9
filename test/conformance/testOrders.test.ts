import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { createFakeExchange, type FaultSpec } from '@binance-errors/testing';
import { describe, expect, it } from 'vitest';
import { drivers } from './drivers.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// A test order (`POST /api/v3/order/test`, `/fapi/v1/order/test`) is validated and never placed. The never-twice
// ledger took it for an order: after one 5xx, the bot's identical re-validation was answered locally with "not sent
// again … it may have executed" for recvWindow + 60 s.

const KEY = 'test-orders-api-key-0123456789abcdef';
const SECRET = 'test-orders-api-secret-0123456789abcdef';
const ORDER = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.002' };

const defer = deferredCleanups();

const products = [
  { product: 'spot', path: '/api/v3/order/test', fault: { kind: 'server-error', status: 500 } },
  {
    product: 'usdm',
    path: '/fapi/v1/order/test',
    fault: { kind: 'server-error', status: 503, msg: 'Unknown error, please check your request or try again later.' },
  },
] as const;

describe.each(drivers)('a test order after a 5xx: $name', (driver) => {
  it.each(products)('$product: the identical test order sent again reaches the exchange', async (p) => {
    const ex = await createFakeExchange({
      product: p.product,
      accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '1000000' } }],
    });
    defer(() => ex.close());
    const guard = new BinanceGuard(ex.url, { product: p.product, retry: { reads: 0 } });
    defer(() => guard.close());
    const call = driver.create(ex.url, { guard, apiKey: KEY, apiSecret: SECRET });
    ex.fault({ ...p.fault, times: 1, match: { method: 'POST', path: p.path } } as FaultSpec);

    const first = await call({ method: 'POST', path: p.path, params: ORDER }).catch((e: unknown) => e);
    expect(isBinanceError(first), String(first)).toBe(true);
    const again = await call({ method: 'POST', path: p.path, params: ORDER });

    expect(again.status).toBe(200);
    expect(ex.count({ method: 'POST', path: p.path })).toBe(2);
  });
});
