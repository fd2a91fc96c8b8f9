import { FakeExchange } from './FakeExchange.ts';
import type { FakeExchangeOptions } from './options/FakeExchangeOptions.ts';

/**
 * Starts a fake Binance Spot REST exchange on loopback (127.0.0.1, a free port by default); with
 * `product: 'usdm'`, a fake USDⓈ-M Futures exchange (`/fapi/...`) instead.
 * Bad options throw a TypeError/RangeError naming the option and value. Close it with `await ex.close()`.
 *
 * @example
 * const ex = await createFakeExchange({ accounts: [{ apiKey: 'k', secret: 's', balances: { USDT: '1000' } }] });
 * const res = await fetch(`${ex.url}/api/v3/time`);
 * await ex.close();
 */
export function createFakeExchange(options: FakeExchangeOptions = {}): Promise<FakeExchange> {
  return FakeExchange.start(options);
}
