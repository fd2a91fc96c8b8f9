import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import { BinanceGuard } from '@binance-errors/core';
import { binanceErrors as gotPlugin } from '@binance-errors/got';
import { binanceErrors as kyPlugin } from '@binance-errors/ky';
import { createFakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import got from 'got';
import ky from 'ky';
import { describe, expect, it } from 'vitest';
import { deferredCleanups } from './support/lifecycle.ts';

// Per-request settings (axios `config.binance`, ky and got `context.binance`) are checked like the options of
// binanceErrors(): a misspelt name (with a "did you mean"), a wrong type or range is a TypeError or RangeError naming
// `binance.<name>`, and nothing is sent. Unchecked, `{ recvwindow: 1000 }` placed the order with recvWindow=5000 and
// `{ sigend: false }` signed.

const KEY = 'lifecycle-api-key-0123456789abcdef';
const SECRET = 'lifecycle-api-secret-0123456789abcdef';
const ORDER = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' };
const defer = deferredCleanups();

async function clients() {
  const ex = await createFakeExchange({ accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '100000000' } }] });
  defer(() => ex.close());
  const guard = new BinanceGuard(ex.url);
  defer(() => guard.close());
  const options = { apiKey: KEY, apiSecret: SECRET, guard };
  const ax = axios.create({ baseURL: ex.url });
  axiosPlugin(options).install(ax);
  const kyc = ky.extend(kyPlugin(options)).extend({ baseUrl: ex.url });
  const gc = got.extend({ prefixUrl: ex.url }, gotPlugin(options));
  const place = {
    axios: (binance: Record<string, unknown>) => ax.post('/api/v3/order', null, { params: ORDER, binance }),
    ky: (binance: Record<string, unknown>) =>
      kyc.post('api/v3/order', { searchParams: ORDER, context: { binance } }).json(),
    got: (binance: Record<string, unknown>) =>
      gc.post('api/v3/order', { searchParams: ORDER, context: { binance } }).json(),
  };
  return { ex, place };
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'placed',
    (e: unknown) => e,
  );

describe('per-request settings', () => {
  it('refuses a misspelt per-request setting by name, before anything is sent', async () => {
    const { ex, place } = await clients();
    const seen: Record<string, string> = {};
    for (const [name, send] of Object.entries(place)) {
      const result = await outcome(send({ recvwindow: 1000 }));
      seen[name] =
        result === 'placed'
          ? `placed with recvWindow=${ex.findRequests({ path: '/api/v3/order' }).at(-1)?.params.recvWindow}`
          : `${(result as Error).name}: ${(result as Error).message}`;
    }
    for (const [name, text] of Object.entries(seen))
      expect(text, name).toMatch(/TypeError: .*"binance\.recvwindow"; did you mean "binance\.recvWindow"/);
    expect(ex.count({ path: '/api/v3/order' })).toBe(0);
  });

  it('refuses a bad per-request maxWaitMs with a RangeError or TypeError naming binance.maxWaitMs', async () => {
    const { ex, place } = await clients();
    for (const bad of [-1, '100']) {
      const result = (await outcome(place.axios({ maxWaitMs: bad }))) as Error;
      expect(`${result.name}: ${result.message}`).toMatch(/^(Range|Type)Error: .*binance\.maxWaitMs/);
    }
    expect(ex.count({ path: '/api/v3/order' })).toBe(0);
  });
});
