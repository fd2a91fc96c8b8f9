import { BinanceGuard, isBinanceError, MAX_SERVER_WAIT_MS, type ThrottleLimit } from '@binance-errors/core';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisCorruptKeyEvent, RedisRateStore } from '../src/index.ts';
import { type RedisServer, startRedis } from './support/redisServer.ts';

const LIMITS: Array<ThrottleLimit & { intervalMs: number }> = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 400, intervalMs: 60_000 },
];

let server: RedisServer;
let admin: Redis;
let ex: FakeExchange;
let prefixes = 0;

beforeAll(async () => {
  server = await startRedis();
  admin = new Redis(server.url);
  ex = await createFakeExchange({ rateLimits: LIMITS });
});
afterAll(async () => {
  admin.disconnect();
  await ex.close();
  await server.stop();
});

// What another program, a manual SET or a bad restore can leave in a key.
const STRINGS = ['1e999', 'NaN', '-5', 'inf', 'abc', '', '9999999999999999', '0x10', ' 12 '];

type Plant = (key: string) => Promise<unknown>;
const asString =
  (v: string): Plant =>
  (key) =>
    admin.set(key, v);
const asHash =
  (fields: Record<string, string>): Plant =>
  (key) =>
    admin.hset(key, fields);
const asList: Plant = (key) => admin.rpush(key, 'x');
const asZset: Plant = (key) => admin.zadd(key, 1, 'x');

/** A guard on a fresh prefix whose keys hold `plant`ed garbage; every request must settle within 2 s, typed. */
async function withGarbage(where: 'ban' | 'pause' | 'windows' | 'window', plant: Plant) {
  const prefix = `garbage-${process.pid}-${++prefixes}`;
  const store = new RedisRateStore({ redis: server.url, prefix, retryIntervalMs: 100, commandTimeoutMs: 500 });
  const events: { corrupt: RedisCorruptKeyEvent[]; fallbacks: number } = { corrupt: [], fallbacks: 0 };
  store.onCorruptKey((e) => events.corrupt.push(e));
  store.onFallback(() => events.fallbacks++);
  const guard = new BinanceGuard(ex.url, {
    throttle: { limits: LIMITS, store, maxWaitMs: 1000 },
    clock: false,
    breaker: false,
  });
  const ns = `{${prefix}}`;
  // The window key of the current minute, as the limiter will name it.
  const minute = Math.floor(ex.now() / 60_000) * 60_000;
  const key = {
    ban: `${ns}:ban`,
    pause: `${ns}:pause`,
    windows: `${ns}:windows`,
    window: `${ns}:w:REQUEST_WEIGHT:1MINUTE:${minute}`,
  }[where];
  await admin.del(key);
  await plant(key);
  const transport = {
    send: (a: { url: string }) => fetch(a.url),
    read: async (r: Response) => ({ status: r.status, headers: r.headers, body: await r.clone().text() }),
  };
  const outcomes = await Promise.all(
    Array.from({ length: 5 }, async () => {
      const pending = guard.run({ method: 'GET', url: `${ex.url}/api/v3/ping` }, transport);
      const timeout = new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 2000).unref());
      return Promise.race([
        pending.then(
          () => 'ok' as const,
          (e: unknown) => e,
        ),
        timeout,
      ]);
    }),
  );
  const snapshot = await store.getState(ex.now());
  guard.close();
  await store.close();
  return { outcomes, events, snapshot, key };
}

const CASES: Array<[string, 'ban' | 'pause' | 'windows' | 'window', Plant]> = [
  ...STRINGS.map((v) => [`ban = ${JSON.stringify(v)}`, 'ban', asString(v)] as [string, 'ban', Plant]),
  ...STRINGS.map((v) => [`pause = ${JSON.stringify(v)}`, 'pause', asString(v)] as [string, 'pause', Plant]),
  ['ban is a hash', 'ban', asHash({ a: '1' })],
  ['pause is a list', 'pause', asList],
  ['the window index is a string', 'windows', asString('1e999')],
  ['the window index is a hash', 'windows', asHash({ a: 'b' })],
  ['the window is a string', 'window', asString('garbage')],
  ['the window is a zset', 'window', asZset],
  ...STRINGS.map(
    (v) =>
      [
        `every window field = ${JSON.stringify(v)}`,
        'window',
        asHash({ inFlight: v, settled: v, foreign: v, confirmed: v, observed: v, end: v, start: v }),
      ] as [string, 'window', Plant],
  ),
];

describe('RedisRateStore with garbage in its keys', () => {
  it.each(CASES)('%s: nothing pends after 2 s, errors are typed, the store stays on Redis', async (_, where, plant) => {
    const { outcomes, events, snapshot } = await withGarbage(where, plant);
    for (const outcome of outcomes) {
      expect(outcome).not.toBe('pending');
      if (outcome !== 'ok') expect(isBinanceError(outcome), String(outcome)).toBe(true);
    }
    expect(events.fallbacks).toBe(0);
    expect(Number.isFinite(snapshot.bannedUntil) && Number.isFinite(snapshot.pausedUntil)).toBe(true);
    expect(snapshot.bannedUntil).toBeLessThanOrEqual(ex.now() + MAX_SERVER_WAIT_MS + 1000);
    for (const w of snapshot.windows) expect(Number.isFinite(w.used)).toBe(true);
  });

  it('reports a ban that never expires once, deletes it, and sends again', async () => {
    const { outcomes, events, key } = await withGarbage('ban', asString('1e999'));
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(events.corrupt).toEqual([{ key, problem: 'never expired' }]);
    expect(await admin.exists(key)).toBe(0);
  });

  it('cuts a ban with more than three days left to three days and honours it: nothing is sent', async () => {
    const sent = ex.count();
    const { outcomes, events, snapshot, key } = await withGarbage('ban', (k) =>
      admin.set(k, '1', 'PX', 10 * MAX_SERVER_WAIT_MS),
    );
    for (const outcome of outcomes) expect(isBinanceError(outcome, 'ip-ban')).toBe(true);
    expect(ex.count()).toBe(sent);
    expect(events.corrupt).toEqual([{ key, problem: expect.stringMatching(/ ms left, cut to 259200000$/) }]);
    expect(snapshot.bannedUntil).toBeGreaterThan(ex.now() + MAX_SERVER_WAIT_MS - 60_000);
  });
});
