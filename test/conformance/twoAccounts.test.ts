import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import { BinanceGuard } from '@binance-errors/core';
import { binanceErrors as gotPlugin } from '@binance-errors/got';
import { binanceErrors as kyPlugin } from '@binance-errors/ky';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import got from 'got';
import ky from 'ky';
import { describe, expect, it } from 'vitest';
import { deferredCleanups } from './support/lifecycle.ts';
import { startRecorder } from './support/recorder.ts';

// A team with a master account and a sub-account derives the sub-account's client from the shared one, as got and ky
// are meant to be extended (`base.extend(binanceErrors(sub))`), or installs a second plugin on one axios instance.
// The first plugin to see a request signs it, so the sub-account's orders were placed on the master account, without
// a word. A second plugin with other credentials on one client is now refused before anything is sent; the same
// credentials twice (a hot reload, a module imported twice) still work as one install.

const MASTER = { apiKey: 'master-api-key-0123456789abcdef', apiSecret: 'master-api-secret-0123456789abcdef' };
const SUB = { apiKey: 'sub-api-key-0123456789abcdef', apiSecret: 'sub-api-secret-0123456789abcdef' };
const ORDER = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' };
const defer = deferredCleanups();

type Credentials = Partial<typeof MASTER>;
type Place = (ex: FakeExchange, guard: BinanceGuard, first: Credentials, second: Credentials) => Promise<unknown>;

const CLIENTS: Record<string, Place> = {
  axios: (ex, guard, first, second) => {
    const api = axios.create({ baseURL: ex.url });
    axiosPlugin({ ...first, guard }).install(api);
    axiosPlugin({ ...second, guard }).install(api);
    return api.post('/api/v3/order', null, { params: ORDER });
  },
  ky: (ex, guard, first, second) =>
    ky
      .extend(kyPlugin({ ...first, guard }))
      .extend({ baseUrl: ex.url })
      .extend(kyPlugin({ ...second, guard }))
      .post('api/v3/order', { searchParams: ORDER })
      .json(),
  got: (ex, guard, first, second) =>
    got
      .extend({ prefixUrl: ex.url }, gotPlugin({ ...first, guard }))
      .extend(gotPlugin({ ...second, guard }))
      .post('api/v3/order', { searchParams: ORDER })
      .json(),
};

async function exchange(): Promise<{ ex: FakeExchange; guard: BinanceGuard }> {
  const ex = await createFakeExchange({
    accounts: [MASTER, SUB].map((c) => ({ apiKey: c.apiKey, secret: c.apiSecret, balances: { USDT: '1000000' } })),
  });
  defer(() => ex.close());
  const guard = new BinanceGuard(ex.url);
  defer(() => guard.close());
  return { ex, guard };
}

describe('two plugins on one client', () => {
  it.each(Object.keys(CLIENTS))('%s: with other credentials, refused before anything is sent', async (client) => {
    const { ex, guard } = await exchange();
    const error = await CLIENTS[client]!(ex, guard, MASTER, SUB).then(
      () => undefined,
      (e: unknown) => e,
    );
    // got reports it as a typed refusal (BinanceRequestError, executed 'no'); axios and ky as the TypeError.
    expect(String(error)).toContain(`two binanceErrors() plugins with different credentials are on one ${client}`);
    expect(String(error)).not.toContain(MASTER.apiKey);
    expect(ex.count({ path: '/api/v3/order' })).toBe(0);
  });

  it.each(Object.keys(CLIENTS))('%s: with the same credentials, one install', async (client) => {
    const { ex, guard } = await exchange();
    await CLIENTS[client]!(ex, guard, SUB, SUB);
    expect(ex.orders(SUB.apiKey)).toHaveLength(1);
    expect(ex.count({ path: '/api/v3/order' })).toBe(1);
  });

  it.each(Object.keys(CLIENTS))('%s: a keyless plugin beside a keyed one refuses nothing', async (client) => {
    // A market-data plugin (no key) and a trading one on one client: the keyless one signs for no account, so no order
    // can land on the wrong one. Whichever acts, nothing is refused as another account's.
    const { ex, guard } = await exchange();
    const outcome = await CLIENTS[client]!(ex, guard, {}, SUB).catch((e: unknown) => e);
    expect(String(outcome)).not.toContain('different credentials');
  });

  it('ky: with other credentials, a request to another origin still passes untouched', async () => {
    // The refusal is for requests a plugin would take: the app's webhook on the same client is not one of them.
    const { ex, guard } = await exchange();
    const hook = await startRecorder();
    defer(() => hook.close());
    const api = ky
      .extend(kyPlugin({ ...MASTER, guard }))
      .extend({ baseUrl: ex.url })
      .extend(kyPlugin({ ...SUB, guard }));
    expect(await api.post(`${hook.url}/hook`, { json: { event: 'fill' } }).json()).toEqual({ ok: true });
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]?.headers['x-mbx-apikey']).toBeUndefined();
  });
});
