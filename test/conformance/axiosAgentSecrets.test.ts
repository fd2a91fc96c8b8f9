import http from 'node:http';
import { inspect } from 'node:util';
import { binanceErrors } from '@binance-errors/axios';
import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import { expect, it } from 'vitest';
import { deferredCleanups } from './support/lifecycle.ts';

// A trading bot gives its axios instance a keep-alive agent (`httpAgent`/`httpsAgent`, or a proxy agent) and polls
// while it trades. An agent's `sockets` hold the requests in flight on it, whose raw text has the key and a signed
// path, so the typed error's `config` leaves the agents out (a retry through the instance gets them from its defaults).

const API_KEY = 'leaks-agent-key-0123456789abcdefABCDEF';
const API_SECRET = 'leaks-agent-secret-0123456789abcdefABCDEF';
const defer = deferredCleanups();

it('axios: a typed error’s config does not expose the key and signatures of requests in flight on its agent', async () => {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '100' } }],
  });
  defer(() => ex.close());
  const guard = new BinanceGuard(ex.url);
  defer(() => guard.close());
  const agent = new http.Agent({ keepAlive: true });
  defer(() => agent.destroy());
  const api = axios.create({ baseURL: ex.url, httpAgent: agent });
  binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }).install(api);
  await api.get('/api/v3/account'); // the clock is synced, as in any running bot

  // A signed read in flight (the exchange holds its answer back) while an order is rejected.
  ex.fault({ kind: 'delay', ms: 1_000, times: 1, match: { path: '/api/v3/openOrders' } });
  const polling = api.get('/api/v3/openOrders', { params: { symbol: 'BTCUSDT' } });
  defer(() => polling.catch(() => {}));
  for (let i = 0; i < 100 && Object.keys(agent.sockets).length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  const error = await api
    .post('/api/v3/order', null, { params: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '1' } })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(isBinanceError(error, 'order-rejected')).toBe(true);
  const e = error as Error & { config: unknown };

  for (const view of [inspect(e.config, { depth: Infinity }), inspect(e, { depth: Infinity, showHidden: true })]) {
    expect(view).not.toContain(API_KEY);
    expect(view).not.toMatch(/signature=[0-9a-f]{64}/i);
  }
  await polling;
});
