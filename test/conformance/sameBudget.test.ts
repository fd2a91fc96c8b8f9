import { type BinanceError, BinanceGuard, Credentials, type GuardTransport } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import { describe, expect, it } from 'vitest';
import { fetchTransport } from '../support/fetchTransport.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// Binance serves Spot at api, api-gcp and api1–api4, behind the same limits per IP. A bot that fails over between them,
// or spreads its calls over them, must get one weight budget, one ban and one ledger, not one per host: otherwise it
// spends the IP's budget several times over, and an order of unknown outcome on one host is placed again on another.

const API_KEY = 'same-budget-api-key-0123456789abcdef';
const API_SECRET = 'same-budget-api-secret-0123456789abcdef';
const ALIASES = ['api', 'api-gcp', 'api1', 'api2', 'api3', 'api4'].map((host) => `https://${host}.binance.com`);

const defer = deferredCleanups();

describe("Binance's hosts of one API share one guard", () => {
  it('shares a guard among api, api-gcp and api1–api4 over https, and nothing else', () => {
    const guard = BinanceGuard.shared(ALIASES[3]!);
    defer(() => guard.close());
    expect(ALIASES.map((origin) => BinanceGuard.shared(origin))).toEqual(ALIASES.map(() => guard));
    expect(guard.origin).toBe('https://api.binance.com');
    for (const other of [
      'https://data-api.binance.vision',
      'https://testnet.binance.vision',
      'http://api1.binance.com',
    ]) {
      const separate = BinanceGuard.shared(other);
      defer(() => separate.close());
      expect(separate, other).not.toBe(guard);
    }
    // Closed, it is gone under every name it was known by.
    guard.close();
    const next = BinanceGuard.shared(ALIASES[5]!);
    defer(() => next.close());
    expect(next).not.toBe(guard);
    expect(BinanceGuard.shared(ALIASES[0]!)).toBe(next);
  });

  it('holds back an order of unknown outcome on one host when it comes again through another', async () => {
    const ex = await createFakeExchange({
      accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '100000000' } }],
    });
    defer(() => ex.close());
    // Every host is the fake exchange on loopback; the transport remembers which one each request was for.
    const asked: string[] = [];
    const transport: GuardTransport<Response> = {
      send: (attempt) => {
        const url = new URL(attempt.url);
        asked.push(`${url.hostname} ${url.pathname}`);
        return fetchTransport.send({ ...attempt, url: `${ex.url}${url.pathname}${url.search}` });
      },
      read: fetchTransport.read,
    };
    const guard = BinanceGuard.shared(ALIASES[2]!, { throttle: false, breaker: false });
    defer(() => guard.close());
    const credentials = new Credentials({ apiKey: API_KEY, apiSecret: API_SECRET });
    const order = (origin: string) =>
      BinanceGuard.shared(origin).run(
        { method: 'POST', url: `${origin}/api/v3/order?symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01` },
        transport,
        { credentials },
      );

    ex.fault({ kind: 'reset', placed: true, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const first = (await order(ALIASES[2]!).catch((e: unknown) => e)) as BinanceError;
    expect(first.executed).toBe('unknown');
    // The clock asked the host the call went to, not the one that names the guard.
    const timeHosts = asked.filter((a) => a.endsWith('/api/v3/time')).map((a) => a.split(' ')[0]);
    expect(new Set(timeHosts)).toEqual(new Set(['api1.binance.com']));

    const again = (await order(ALIASES[4]!).catch((e: unknown) => e)) as BinanceError;
    expect(again.category).toBe('unknown-outcome');
    expect(again.message).toContain('was not sent again');
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
    expect(ex.orders(API_KEY)).toHaveLength(1);
  });
});
