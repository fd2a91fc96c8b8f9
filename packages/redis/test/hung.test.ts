import type { WindowCharge } from '@binance-errors/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisRateStore } from '../src/index.ts';
import { type RedisServer, startRedis } from './support/redisServer.ts';

// A hung server (SIGSTOP): its connections stay open and nothing answers, as with a stalled host or a network
// partition that drops packets. Each test gets its own server, since it is left hung.

let server: RedisServer;
const closers: Array<() => unknown> = [];

beforeEach(async () => {
  server = await startRedis();
});
afterEach(async () => {
  // The server first: a store's close() must not be what ends a hang.
  await server.stop();
  for (const close of closers.splice(0)) await close();
});

const charge = (start: number, amount: number, capacity = 1000): WindowCharge => ({
  limitKey: 'REQUEST_WEIGHT:1MINUTE',
  start,
  end: start + 60_000,
  amount,
  capacity,
});

describe('RedisRateStore on a Redis that hangs', () => {
  it('closes within about commandTimeoutMs instead of waiting for the reply to QUIT', async () => {
    const store = new RedisRateStore({ redis: server.url, prefix: 'hung-close', commandTimeoutMs: 300 });
    closers.push(() => store.close());
    expect(await store.reserve(0, [charge(0, 1)])).toMatchObject({ ok: true });
    server.freeze();
    expect(await store.reserve(0, [charge(0, 1)])).toMatchObject({ ok: true });
    expect(store.status).toBe('memory');
    const started = Date.now();
    const outcome = await Promise.race([
      store.close().then(() => 'closed'),
      new Promise<string>((resolve) => setTimeout(() => resolve('still pending'), 2000).unref()),
    ]);
    expect(outcome, `after ${Date.now() - started} ms`).toBe('closed');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('lets calls go on with the fallback while a recovery probe waits on the hung server', async () => {
    const store = new RedisRateStore({
      redis: server.url,
      prefix: 'hung-probe',
      commandTimeoutMs: 300,
      retryIntervalMs: 100,
    });
    closers.push(() => store.close());
    let calls = 0;
    expect(await store.reserve(0, [charge(0, 1)])).toMatchObject({ ok: true });
    server.freeze();
    // The first call finds out, after commandTimeoutMs.
    expect(await store.reserve(0, [charge(0, 1)])).toMatchObject({ ok: true });
    expect(store.status).toBe('memory');
    // Every retryIntervalMs the store asks Redis again (PING), which takes commandTimeoutMs here.
    const slow: number[] = [];
    const end = Date.now() + 1500;
    while (Date.now() < end) {
      const started = Date.now();
      expect(await store.reserve(0, [charge(0, 1)])).toMatchObject({ ok: true });
      await store.getState(0);
      const ms = Date.now() - started;
      if (ms > 100) slow.push(ms);
      calls++;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(calls).toBeGreaterThan(20);
    expect(slow, 'calls slower than 100 ms (ms)').toEqual([]);
    expect(store.status).toBe('memory');
    // Once Redis answers again, the store goes back to it.
    server.thaw();
    for (let i = 0; i < 100 && store.status !== 'redis'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(store.status).toBe('redis');
  });
});
