import { BinanceGuard } from '@binance-errors/core';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import type { Call, Driver } from '../drivers.ts';

/**
 * The fake futures exchange with one account of 100,000 USDT, and `driver`'s client on it signing for that account
 * with a guard of its own; `defer` closes both after the test.
 */
export async function futuresScene(
  defer: (cleanup: () => unknown) => void,
  driver: Driver,
  apiKey: string,
  apiSecret: string,
): Promise<{ ex: FakeExchange; call: Call }> {
  const ex = await createFakeExchange({
    product: 'usdm',
    accounts: [{ apiKey, secret: apiSecret, balances: { USDT: '100000' } }],
  });
  defer(() => ex.close());
  const guard = new BinanceGuard(ex.url, { product: 'usdm' });
  defer(() => guard.close());
  return { ex, call: driver.create(ex.url, { apiKey, apiSecret, guard }) };
}
