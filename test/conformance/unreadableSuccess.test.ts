import { type BinanceError, type BinanceErrorsOptions, BinanceGuard, isBinanceError } from '@binance-errors/core';
import { binanceErrors as gotPlugin } from '@binance-errors/got';
import { createFakeExchange } from '@binance-errors/testing';
import got from 'got';
import { describe, expect, it } from 'vitest';
import { hostileProxy } from '../support/hostileProxy.ts';
import { type Call, drivers } from './drivers.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// A 200 whose body a proxy garbled or cut, for an order that executed: the caller cannot tell what happened, so the
// outcome is unknown — typed, before the client's own parse fails with a bare SyntaxError — and the identical order,
// sent again by a retry loop of the caller's, is held back rather than placed a second time.

const API_KEY = 'unreadable-api-key-0123456789abcdef';
const API_SECRET = 'unreadable-api-secret-0123456789abcdef';
const ORDER = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' };

const defer = deferredCleanups();

/** got through its `.json()` shortcut, which parses after the call resolved (the driver asks for `responseType`). */
function gotJson(baseUrl: string, options: BinanceErrorsOptions): Call {
  const api = got.extend({ prefixUrl: baseUrl }, gotPlugin(options));
  return async (spec) => ({
    status: 200,
    data: await api(spec.path.slice(1), { method: spec.method ?? 'GET', form: spec.form }).json(),
  });
}

const CLIENTS = [...drivers, { name: 'got, .json()', create: gotJson }];

describe('an unreadable success for an order: outcome unknown, never placed twice', () => {
  for (const driver of CLIENTS) {
    it(driver.name, async () => {
      const ex = await createFakeExchange({
        accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '100000000' } }],
      });
      defer(() => ex.close());
      const call = driver.create(ex.url, { apiKey: API_KEY, apiSecret: API_SECRET });
      ex.fault({ kind: 'malformed-json', times: 1, match: { method: 'POST', path: '/api/v3/order' } });

      const errors: unknown[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const failed = await call({ method: 'POST', path: '/api/v3/order', form: ORDER }).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (failed === undefined) break;
        errors.push(failed);
      }
      expect(
        errors.every((e) => isBinanceError(e)),
        errors.map(String).join(' / '),
      ).toBe(true);
      const [first, ...later] = errors as BinanceError[];
      expect(first?.executed).toBe('unknown');
      expect(first?.status).toBe(200);
      // Each try after it was answered without sending: the order executed once.
      expect(later.length).toBeGreaterThan(0);
      for (const err of later) expect(err.category).toBe('unknown-outcome');
      expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
      expect(ex.orders(API_KEY)).toHaveLength(1);
    });
  }
});

// Behind a proxy that lets the order through and answers 200 with something that is not an order: JSON that is not
// an object, or a page. The call once resolved with the JSON as if it were the order, and typed the page as a WAF
// block, executed 'no': a caller that sent again placed the order twice.
const NOT_AN_ORDER: Array<[string, string, string]> = [
  ['null', 'application/json', 'null'],
  ['[]', 'application/json', '[]'],
  ['123', 'application/json', '123'],
  ['"x"', 'application/json', '"x"'],
  ['an HTML page', 'text/html', '<html><head><title>Bad Gateway</title></head><body>upstream error</body></html>'],
];

describe('a 200 to an order that is not an order: outcome unknown, never placed twice', () => {
  for (const driver of drivers) {
    it.each(NOT_AN_ORDER)(`${driver.name}: %s`, async (_, contentType, body) => {
      const ex = await createFakeExchange({
        accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '100000000' } }],
      });
      defer(() => ex.close());
      let garbled = false;
      const proxy = await hostileProxy(ex.url, (req) => {
        if (req.method !== 'POST' || garbled) return undefined;
        garbled = true;
        return { status: 200, headers: { 'content-type': contentType }, body, afterForwarding: true };
      });
      defer(() => proxy.close());
      const guard = new BinanceGuard(proxy.url);
      defer(() => guard.close());
      const call = driver.create(proxy.url, { apiKey: API_KEY, apiSecret: API_SECRET, guard });

      const outcomes: unknown[] = [];
      for (let attempt = 0; attempt < 2; attempt++) {
        outcomes.push(await call({ method: 'POST', path: '/api/v3/order', form: ORDER }).catch((e: unknown) => e));
      }
      const [first, second] = outcomes;
      expect(isBinanceError(first) && first.executed, String(first)).toBe('unknown');
      expect(isBinanceError(second) && second.category, String(second)).toBe('unknown-outcome');
      expect(ex.orders(API_KEY)).toHaveLength(1);
    });
  }
});
