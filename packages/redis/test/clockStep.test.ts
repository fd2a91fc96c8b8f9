import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisRateStore } from '../src/index.ts';
import { type RedisServer, startRedis } from './support/redisServer.ts';

// The store keeps a shared pause or ban as time left, and remembers each as an end on its own clock (replayed into
// the fallback store and back into Redis at recovery). On the wall clock, a step of the host clock while Redis is away
// changed how long the pause had left: back 1 h, and the recovering process wrote an hour-long pause into Redis, for
// every process on the IP.

const defer: Array<() => unknown> = [];
/** Steps the host's wall clock: `Date.now()` reads the real clock plus the steps taken. */
let wallStep = 0;
const realNow = Date.now.bind(Date);
vi.spyOn(Date, 'now').mockImplementation(() => realNow() + wallStep);
afterEach(() => {
  wallStep = 0;
});

async function until(ready: () => boolean, ms = 5000): Promise<void> {
  const end = realNow() + ms;
  while (!ready()) {
    if (realNow() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  for (const f of defer.reverse()) await f();
  await server.stop();
});

const charge = (start: number) => ({
  limitKey: 'REQUEST_WEIGHT:1MINUTE',
  start,
  end: start + 60_000,
  amount: 1,
  capacity: 100,
});

describe('RedisRateStore, when the host clock steps back 1 h while Redis is away', () => {
  it('writes back the pause it had, not one an hour long', async () => {
    const prefix = `review-step-${Date.now()}`;
    const a = new RedisRateStore({ redis: server.url, prefix, retryIntervalMs: 100 });
    defer.push(() => a.close());
    const at = 1_000_000_000;
    // A 429 with Retry-After 3 s, shared through Redis.
    await a.setPause(at + 3000, at);
    await server.kill();
    // Redis is away: the process runs on its fallback, with the pause it knew.
    await a.reserve(at + 10, [charge(at)]);
    await until(() => a.status !== 'redis');

    wallStep = -3_600_000;
    const fallback = await a.reserve(at + 20, [charge(at)]);
    await server.restart();
    await until(() => a.status === 'redis', 10_000);

    // Another process on the IP asks Redis.
    const b = new RedisRateStore({ redis: server.url, prefix });
    defer.push(() => b.close());
    const state = await b.getState(at + 100);
    expect(state.pausedUntil - (at + 100), 'pause left in Redis after recovery, ms').toBeLessThan(3000);
    expect(fallback.ok ? 0 : fallback.until - (at + 20), 'pause left in the fallback, ms').toBeLessThan(3000);
  });
});
