import { binanceErrors } from '@binance-errors/axios';
import { BinanceGuard, isBinanceError, type ThrottleLimit } from '@binance-errors/core';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateStore, type UnavailablePolicy } from '../src/index.ts';
import { type RedisServer, startRedis } from './support/redisServer.ts';

const API_KEY = 'redis-outage-api-key-0123456789abcdef';
const API_SECRET = 'redis-outage-api-secret-0123456789abcdef';
const LIMITS: Array<ThrottleLimit & { intervalMs: number }> = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 400, intervalMs: 1000 },
  { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 200, intervalMs: 1000 },
];

let server: RedisServer;
let ex: FakeExchange;
const closers: Array<() => unknown> = [];

beforeAll(async () => {
  server = await startRedis();
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
afterAll(async () => {
  await server.stop();
});

async function setup(policy: UnavailablePolicy) {
  ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '100000000', BTC: '100' } }],
    rateLimits: LIMITS,
  });
  const store = new RedisRateStore({
    redis: server.url,
    prefix: `outage-${policy}-${process.pid}`,
    whenUnavailable: policy,
    retryIntervalMs: 100,
  });
  const guard = new BinanceGuard(ex.url, { throttle: { limits: LIMITS, store, edgeGuardMs: 30 } });
  closers.push(
    () => ex.close(),
    () => store.close(),
    () => guard.close(),
  );
  const client = axios.create({ baseURL: ex.url });
  client.interceptors.request.use(binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }));
  const events: string[] = [];
  store.onFallback((e) => events.push(`fallback ${e.policy}`));
  store.onRecover(() => events.push('recover'));
  // A resting limit order with its own client order id: the log shows whether it reached the exchange, and how often.
  const place = (id: string) =>
    client.post(
      '/api/v3/order',
      new URLSearchParams({
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '0.01',
        price: '5000',
        newClientOrderId: id,
      }),
    );
  return { store, place, events };
}

/** Places `total` orders, `concurrency` at a time; kills Redis after `killAt` and restarts it after `restartAt`. */
async function run(
  store: RedisRateStore,
  place: (id: string) => Promise<unknown>,
  total: number,
  killAt: number,
  restartAt: number,
) {
  const outcomes = new Map<string, unknown>();
  const withoutRedis: string[] = [];
  let next = 0;
  let done = 0;
  const loop = async () => {
    while (next < total) {
      const id = `outage-${next++}`;
      if (store.status !== 'redis') withoutRedis.push(id);
      outcomes.set(
        id,
        await place(id).then(
          () => 'ok',
          (e: unknown) => e,
        ),
      );
      done++;
      if (done === killAt) await server.kill();
      if (done === restartAt) await server.restart();
    }
  };
  await Promise.all(Array.from({ length: 6 }, loop));
  return { outcomes, withoutRedis };
}

function sentTimes(id: string): number {
  return ex.requests.filter((r) => r.method === 'POST' && r.params.newClientOrderId === id).length;
}

describe('RedisRateStore killed and restarted under a guard', () => {
  it("keeps trading on the in-memory budget ('memory'): no crash, nothing lost, nothing sent twice", async () => {
    const { store, place, events } = await setup('memory');
    const { outcomes, withoutRedis } = await run(store, place, 240, 60, 150);
    expect([...outcomes.values()].filter((o) => o !== 'ok')).toEqual([]);
    // Orders went out on the in-memory budget while Redis was away.
    expect(withoutRedis.length).toBeGreaterThan(10);
    for (const id of outcomes.keys()) expect(sentTimes(id), id).toBe(1);
    expect(ex.count({ status: 429 })).toBe(0);
    expect(events[0]).toBe('fallback memory');
    // Back on Redis by itself once it returned.
    for (let i = 0; i < 100 && store.status !== 'redis'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(store.status).toBe('redis');
    expect(events).toContain('recover');
  });

  it("refuses with a typed error while Redis is down ('fail-closed'): a refused order was never sent", async () => {
    const { store, place, events } = await setup('fail-closed');
    const { outcomes } = await run(store, place, 240, 60, 150);
    const refused = [...outcomes.entries()].filter(([, o]) => o !== 'ok');
    expect(refused.length).toBeGreaterThan(0);
    for (const [id, err] of refused) {
      expect(isBinanceError(err, 'throttled'), String(err)).toBe(true);
      expect(err).toMatchObject({ executed: 'no' });
      expect(sentTimes(id), id).toBe(0);
    }
    for (const [id, o] of outcomes) if (o === 'ok') expect(sentTimes(id), id).toBe(1);
    expect(events[0]).toBe('fallback fail-closed');
    for (let i = 0; i < 100 && store.status !== 'redis'; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await place('after-outage')).status).toBe(200);
  });
});
