import { type AddressInfo, createServer } from 'node:net';
import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { binanceErrors as gotPlugin } from '@binance-errors/got';
import { binanceErrors as kyPlugin } from '@binance-errors/ky';
import { createFakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import got from 'got';
import ky from 'ky';
import { expect, it } from 'vitest';
import { deferredCleanups } from './support/lifecycle.ts';

// An order sent while the exchange's port refuses connections (a restart, a load balancer with no backend) never
// left the machine. It is typed executed 'no', and the same order, sent again once the exchange is back, goes out:
// the guard once let "handed to the client" outweigh what the connection error proves, and then held the order back
// as one that may have executed.

const API_KEY = 'leaks-refused-key-0123456789abcdefABCDEF';
const API_SECRET = 'leaks-refused-secret-0123456789abcdefABCDEF';
const defer = deferredCleanups();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it('an order refused at connect (ECONNREFUSED) is executed "no", and goes out once the exchange is back', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const guard = new BinanceGuard(url, { clock: false });
  defer(() => guard.close());
  const options = { apiKey: API_KEY, apiSecret: API_SECRET, guard };
  const axiosApi = axios.create({ baseURL: url });
  axiosPlugin(options).install(axiosApi);
  const kyApi = ky.create({ prefix: url }).extend(kyPlugin(options));
  const gotApi = got.extend({ prefixUrl: url }, gotPlugin(options));
  const order = (quantity: string) => ({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity });
  const calls = {
    axios: () => axiosApi.post('/api/v3/order', null, { params: order('0.001') }),
    ky: () => kyApi.post('api/v3/order', { searchParams: order('0.002') }).text(),
    got: () => gotApi.post('api/v3/order', { searchParams: order('0.003') }).text(),
  };

  const refused: Record<string, unknown> = {};
  for (const [client, call] of Object.entries(calls)) {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBinanceError(error, 'network'), client).toBe(true);
    refused[client] = (error as { executed?: string }).executed;
  }

  // The exchange comes back on the same port; the bot sends the same orders again.
  const ex = await createFakeExchange({
    port,
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '100000' } }],
  });
  defer(() => ex.close());
  const again: Record<string, string> = {};
  for (const [client, call] of Object.entries(calls)) {
    again[client] = await call().then(
      () => 'placed',
      (e: unknown) => (e as Error).message.slice(0, 80),
    );
  }
  expect({ refused, again }).toEqual({
    refused: { axios: 'no', ky: 'no', got: 'no' },
    again: { axios: 'placed', ky: 'placed', got: 'placed' },
  });
});
