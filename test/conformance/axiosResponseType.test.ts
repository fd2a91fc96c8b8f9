import { binanceErrors } from '@binance-errors/axios';
import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import axios, { type ResponseType } from 'axios';
import { describe, expect, it } from 'vitest';

// axios' `responseType` is the caller's choice for its own answers. The guard reads two kinds of answer itself, and
// must read them whatever that choice: the clock's /api/v3/time samples (sent as text), and a failure's body (a
// stream or a Blob is read before it is classified, so a -1021 is retried once and an error keeps its code).

const API_KEY = 'finding-axios-rt-key-0123456789abcdef';
const API_SECRET = 'finding-axios-rt-secret-0123456789abcdef';

const cases: Array<[adapter: 'http' | 'fetch', responseType: ResponseType]> = [
  ['http', 'stream'],
  ['fetch', 'stream'],
  ['fetch', 'blob'],
  ['fetch', 'arraybuffer'],
];

describe('axios responseType on a signed request', () => {
  for (const [adapter, responseType] of cases) {
    it(`${adapter} adapter, responseType ${responseType}: the clock syncs and a -1021 is retried once`, async () => {
      const ex = await createFakeExchange({
        accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000' } }],
      });
      const guard = new BinanceGuard(ex.url, {});
      try {
        const api = axios.create({ baseURL: ex.url });
        api.interceptors.request.use(binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }));
        // 1. First signed request of a fresh client: fails now with "the clock could not sync with the server".
        const first = await api.get('/api/v3/account', { adapter, responseType }).then(
          (r) => r.status,
          (e: unknown) => e,
        );
        expect(first).toBe(200);
        expect(ex.requests.filter((r) => r.path === '/api/v3/account')).toHaveLength(1);

        // 2. The server clock jumps: the answer is -1021, which must trigger a resync and one re-signed retry.
        ex.setSkew(8000);
        const second = await api.get('/api/v3/account', { adapter, responseType }).then(
          (r) => r.status,
          (e: unknown) => e,
        );
        const codes = ex.requests.filter((r) => r.path === '/api/v3/account').map((r) => r.code ?? r.status);
        expect(codes.slice(1)).toEqual([-1021, 200]);
        expect(isBinanceError(second) ? `${second.name} ${second.code}` : second).toBe(200);
      } finally {
        guard.close();
        await ex.close();
      }
    });
  }
});
