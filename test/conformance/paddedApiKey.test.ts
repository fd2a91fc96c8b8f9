import { inspect } from 'node:util';
import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { binanceErrors as gotPlugin } from '@binance-errors/got';
import { binanceErrors as kyPlugin } from '@binance-errors/ky';
import axios from 'axios';
import got from 'got';
import ky from 'ky';
import { expect, it } from 'vitest';
import { deferredCleanups } from './support/lifecycle.ts';
import { startRecorder } from './support/recorder.ts';

// A key from a config file or a quoted env value with a trailing space works: axios, ky (Headers) and got all trim a
// header's value, so the exchange gets the key without it. A server or proxy that echoes the key it received echoes
// it trimmed, and the error must not show it: the plugin once scrubbed only the key as given.

const KEY = 'leaks-padded-key-0123456789abcdefABCDEF';
const SECRET = 'leaks-padded-secret-0123456789abcdefABCDEF';
const defer = deferredCleanups();

it('an API key given with a trailing space is still redacted when the server echoes the key it received', async () => {
  const server = await startRecorder((req, res) => {
    const received = String(req.headers['x-mbx-apikey'] ?? '');
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: -2015, msg: `Invalid API-key ${received}, IP, or permissions for action.` }));
  });
  defer(() => server.close());
  const guard = new BinanceGuard(server.url, { clock: false });
  defer(() => guard.close());
  const options = { apiKey: `${KEY} `, apiSecret: SECRET, guard };

  const axiosApi = axios.create({ baseURL: server.url });
  axiosPlugin(options).install(axiosApi);
  const kyApi = ky.create({ prefix: server.url }).extend(kyPlugin(options));
  const gotApi = got.extend({ prefixUrl: server.url }, gotPlugin(options));
  const calls = {
    axios: () => axiosApi.get('/api/v3/account'),
    ky: () => kyApi.get('api/v3/account').text(),
    got: () => gotApi.get('api/v3/account').text(),
  };
  const found: string[] = [];
  for (const [client, call] of Object.entries(calls)) {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBinanceError(error, 'auth'), client).toBe(true);
    const e = error as Error & { msg?: string };
    const views = [String(e.msg), e.message, JSON.stringify(e), inspect(e, { depth: Infinity })];
    found.push(...views.filter((view) => view.includes(KEY)).map((view) => `${client}: ${view.slice(0, 200)}`));
  }
  // Sent trimmed.
  expect(server.requests.every((r) => r.headers['x-mbx-apikey'] === KEY)).toBe(true);
  expect(found).toEqual([]);
});
