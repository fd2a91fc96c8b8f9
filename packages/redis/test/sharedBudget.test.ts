import type { ThrottleLimit } from '@binance-errors/core';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from './support/redisServer.ts';
import { usageOf } from './support/usage.ts';
import { type LoadWorker, startWorkers } from './support/workers.ts';

// Four trading processes (worker threads, each with its own axios client, guard and RedisRateStore) behind one
// IP, against the fake exchange with 1 s "minute" windows.

const LIMIT = 600;
const INTERVAL_MS = 1000;
const LIMITS: Array<ThrottleLimit & { intervalMs: number }> = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: LIMIT, intervalMs: INTERVAL_MS },
];

let server: RedisServer;
let ex: FakeExchange | undefined;
let workers: LoadWorker[] = [];
let run = 0;

beforeAll(async () => {
  server = await startRedis();
});
afterEach(async () => {
  await Promise.all(workers.map((w) => w.close()));
  workers = [];
  await ex?.close();
  ex = undefined;
});
afterAll(async () => {
  await server.stop();
});

describe('four processes sharing one RedisRateStore', () => {
  it('run a saturating load with zero 429 and use at least 90% of the limit', async () => {
    ex = await createFakeExchange({ rateLimits: LIMITS });
    const url = ex.url;
    const prefix = `shared-${process.pid}-${++run}`;
    workers = await startWorkers(4, () => ({ url, redisUrl: server.url, prefix, limits: LIMITS }));
    // A short warm-up (connections, JIT), then the measured run. Two loops per worker ask for far more than the
    // limit allows; more requests in flight only lower utilisation, because the guard counts a response's usage
    // header conservatively (requests in flight when another was reserved count twice until the window ends).
    await Promise.all(workers.map((w) => w.send({ type: 'load', durationMs: 600, concurrency: 2 })));
    const since = ex.now();
    const results = await Promise.all(workers.map((w) => w.send({ type: 'load', durationMs: 3500, concurrency: 2 })));
    for (const r of results) {
      expect(r.errors).toEqual({});
      expect(r.ok).toBeGreaterThan(0);
    }
    const usage = usageOf(ex, LIMIT, INTERVAL_MS, since);
    expect(usage.count429).toBe(0);
    expect(usage.count418).toBe(0);
    expect(usage.fractions.length).toBeGreaterThanOrEqual(2);
    for (const fraction of usage.fractions) expect(fraction).toBeGreaterThanOrEqual(0.9);
    // Never more than the limit in any window, all four together.
    expect(Math.max(...usage.fractions)).toBeLessThanOrEqual(1);
  });

  it('make the other three fail fast, sending nothing, after a 418 provoked through one', async () => {
    ex = await createFakeExchange({ rateLimits: LIMITS, ban: { after429s: 1, durationsMs: [5000] } });
    const url = ex.url;
    const prefix = `ban-${process.pid}-${++run}`;
    // Worker 0 is misconfigured: it believes the limit is ten times higher, so its guard lets a burst through.
    workers = await startWorkers(4, (i) => ({
      url,
      redisUrl: server.url,
      prefix,
      limits: LIMITS,
      limitScale: i === 0 ? 10 : 1,
    }));
    const [culprit, ...others] = workers as [LoadWorker, ...LoadWorker[]];
    // Ten depth calls of weight 250 in one window: the third is answered 429, the fourth 418.
    const burst = await culprit.send({ type: 'burst', n: 10, depthLimit: 5000 });
    expect(burst.errors['BinanceIpBanError 418']).toBeGreaterThanOrEqual(1);
    expect(ex.count({ status: 418 })).toBeGreaterThanOrEqual(1);
    const sent = ex.requests.length;
    const probes = await Promise.all(others.map((w) => w.send({ type: 'probe', n: 5 })));
    for (const p of probes) {
      expect(p.ok).toBe(0);
      // Refused locally with the ban's 418 (nothing reached the exchange: see the log below).
      expect(p.errors).toEqual({ 'BinanceIpBanError 418': 5 });
    }
    expect(ex.requests.length).toBe(sent);
  });
});
