import { inspect } from 'node:util';
import { isBinanceError, type ReserveFailure, type SettledCharge, type WindowCharge } from '@binance-errors/core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { rateStoreContract } from '../../core/src/throttle/RateStore.contract.ts';
import { type RedisServer, startRedis } from '../test/support/redisServer.ts';
import { type RedisFallbackEvent, RedisRateStore, type RedisRateStoreOptions } from './RedisRateStore.ts';

let server: RedisServer;
let admin: Redis;
let stores: RedisRateStore[] = [];
let prefixes = 0;

beforeAll(async () => {
  server = await startRedis();
  admin = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  admin.on('error', () => undefined);
  await admin.connect();
});
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  stores = [];
});
afterAll(async () => {
  admin.disconnect();
  await server.stop();
});

function store(options: Partial<RedisRateStoreOptions> = {}): RedisRateStore {
  const s = new RedisRateStore({ redis: server.url, prefix: `test-${process.pid}-${++prefixes}`, ...options });
  stores.push(s);
  return s;
}

const charge = (start: number, amount: number, capacity = 10, limitKey = 'REQUEST_WEIGHT:1MINUTE'): WindowCharge => ({
  limitKey,
  start,
  end: start + 1000,
  amount,
  capacity,
});

/** `actual` is `expected`, give or take the ms the round trips to Redis take. */
function near(actual: number, expected: number): void {
  expect(Math.abs(actual - expected), `${actual} is not near ${expected}`).toBeLessThan(100);
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('RedisRateStore', () => {
  describe('the RateStore contract', () => {
    rateStoreContract(() => store());
  });

  it('is atomic across clients: concurrent reservations from two stores never exceed the capacity', async () => {
    const a = store();
    const b = new RedisRateStore({ redis: server.url, prefix: a.namespace.slice(1, -1) });
    stores.push(b);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).reserve(0, [charge(0, 1, 50), charge(0, 1, 80, 'RAW')])),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    const state = await b.getState(0);
    expect(state.windows.map((w) => [w.limitKey, w.inFlight])).toEqual([
      ['RAW', 50],
      ['REQUEST_WEIGHT:1MINUTE', 50],
    ]);
  });

  it('shares a 429 pause and a 418 ban between processes, for as long as they last whatever their clocks', async () => {
    const a = store();
    const b = new RedisRateStore({ redis: server.url, prefix: a.namespace.slice(1, -1) });
    stores.push(b);
    // a reads the exchange's clock (it has synced), b a host clock 3 s ahead of it (it has not).
    const t = Date.now();
    await a.setPause(t + 5000, t);
    const paused = await b.reserve(t + 3000, [charge(t, 1)]);
    expect(paused).toMatchObject({ ok: false, reason: 'pause' });
    near((paused as ReserveFailure).until, t + 3000 + 5000);
    await b.setBan(t + 3000 + 9000, t + 3000);
    const banned = await a.reserve(t, [charge(t, 1)]);
    expect(banned).toMatchObject({ ok: false, reason: 'ban' });
    near((banned as ReserveFailure).until, t + 9000);
    const state = await b.getState(t + 3000);
    near(state.pausedUntil, t + 3000 + 5000);
    near(state.bannedUntil, t + 3000 + 9000);
  });

  it('ends a pause and a ban when their time is up', async () => {
    const s = store();
    const t = Date.now();
    await s.setPause(t + 100, t);
    await s.setBan(t + 50, t);
    expect(await s.reserve(t, [charge(t, 1)])).toMatchObject({ ok: false, reason: 'ban' });
    await new Promise((r) => setTimeout(r, 150));
    expect(await s.reserve(t, [charge(t, 1)])).toMatchObject({ ok: true });
    expect(await s.getState(t)).toMatchObject({ pausedUntil: 0, bannedUntil: 0 });
  });

  it('reconciles one server header for every process sharing the store', async () => {
    const a = store();
    const b = new RedisRateStore({ redis: server.url, prefix: a.namespace.slice(1, -1) });
    stores.push(b);
    const c = charge(0, 1, 100);
    expect(await a.reserve(0, [c])).toEqual({ ok: true, confirmed: [0] });
    await a.settle([{ ...c, counted: 1, certain: true, serverCount: 40, confirmedAtReserve: 0, late: false }]);
    // b never saw that response, but its next reservation is judged against 1 + 39 others.
    expect((await b.getState(0)).windows[0]).toMatchObject({ used: 40, settled: 1, foreign: 39 });
    expect(await b.reserve(0, [charge(0, 61, 100)])).toMatchObject({ ok: false, reason: 'limit', used: 40 });
  });

  it('keeps its keys under one namespace, each expiring on its own', async () => {
    const s = store({ prefix: 'layout', keepMs: 5000 });
    const now = Date.now();
    await s.reserve(now, [charge(now, 2)]);
    await s.setBan(now + 2000, now);
    await s.setPause(now + 1000, now);
    const keys = (await admin.keys('{layout}:*')).sort();
    expect(keys).toEqual([
      '{layout}:ban',
      '{layout}:pause',
      `{layout}:w:REQUEST_WEIGHT:1MINUTE:${now}`,
      '{layout}:windows',
    ]);
    for (const key of keys) {
      const ttl = await admin.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(7000);
    }
    expect(await admin.hgetall(`{layout}:w:REQUEST_WEIGHT:1MINUTE:${now}`)).toMatchObject({
      inFlight: '2',
      limitKey: 'REQUEST_WEIGHT:1MINUTE',
      start: String(now),
      end: String(now + 1000),
    });
    await admin.del(...keys);
  });

  it('validates its options and keeps the connection out of inspect and JSON', () => {
    expect(() => new RedisRateStore({ redis: server.url, prefix: '{x}' })).toThrow(/prefix must be/);
    expect(() => new RedisRateStore({ redis: server.url, whenUnavailable: 'open' as never })).toThrow(
      /whenUnavailable must be 'memory' or 'fail-closed', got "open"/,
    );
    expect(() => new RedisRateStore({ redis: server.url, fallbackShare: 0 })).toThrow(RangeError);
    expect(() => new RedisRateStore({ redis: server.url, commandTimeoutMs: -1 })).toThrow(/commandTimeoutMs/);
    expect(() => new RedisRateStore({ redis: 42 as never })).toThrow(TypeError);
    const s = store({ redis: `redis://:hunter2-secret@127.0.0.1:${server.port}` });
    expect(inspect(s, { depth: Infinity })).not.toContain('hunter2');
    expect(JSON.stringify(s)).not.toContain('hunter2');
  });

  it('says which option is wrong for a redis:// URL that does not parse, and shows no part of it', () => {
    // A password with '/', '#' or '?' makes the URL unparsable; Node's error would carry all of it in `input`.
    for (const password of ['k9/Xw2pQ7zR4', 'k9#Xw2pQ7zR4', 'k9?Xw2pQ7zR4', 'k9%zzXw2pQ7zR4']) {
      let thrown: unknown;
      try {
        stores.push(new RedisRateStore({ redis: `redis://:${password}@127.0.0.1:${server.port}` }));
      } catch (error) {
        thrown = error;
      }
      expect(thrown, password).toBeInstanceOf(TypeError);
      const error = thrown as TypeError;
      expect(error.message).toMatch(/^redis is not a valid redis:\/\/ URL\b.*Percent-encode the password/);
      expect(error.cause).toBeUndefined();
      const printed = `${inspect(error, { depth: Infinity })} ${JSON.stringify(error)} ${error.stack}`;
      expect(printed, password).not.toContain('k9');
      expect(printed, password).not.toContain('Xw2pQ7zR4');
      expect(printed, password).not.toContain(String(server.port));
    }
  });

  it('connects a client made with lazyConnect: true, passed or from RedisOptions, and uses Redis', async () => {
    const mine = new Redis(server.url, { lazyConnect: true });
    const prefix = `lazy-${++prefixes}`;
    const passed = new RedisRateStore({ redis: mine, prefix, commandTimeoutMs: 500 });
    const owned = store({ redis: { host: '127.0.0.1', port: server.port, lazyConnect: true }, prefix });
    expect(mine.status).toBe('wait');
    try {
      expect(await passed.reserve(0, [charge(0, 2)])).toMatchObject({ ok: true });
      expect(await owned.reserve(0, [charge(0, 3)])).toMatchObject({ ok: true });
      expect([passed.status, owned.status]).toEqual(['redis', 'redis']);
      expect(await admin.hget(`{${prefix}}:w:REQUEST_WEIGHT:1MINUTE:0`, 'inFlight')).toBe('5');
      await passed.setBan(9000, 0);
      expect(await owned.reserve(10, [charge(0, 1)])).toMatchObject({ ok: false, reason: 'ban' });
    } finally {
      await passed.close();
      mine.disconnect();
      await admin.del(`{${prefix}}:w:REQUEST_WEIGHT:1MINUTE:0`, `{${prefix}}:windows`, `{${prefix}}:ban`);
    }
  });

  it('leaves no error of its own client unhandled, during or after close (rediss:// to a server without TLS)', async () => {
    // ioredis prints an 'error' event nobody listens to as "Unhandled error event" (and throws some).
    const printed = vi.spyOn(console, 'error');
    try {
      const s = store({ redis: `rediss://127.0.0.1:${server.port}`, commandTimeoutMs: 200 });
      expect(await s.reserve(0, [charge(0, 1)])).toMatchObject({ ok: true });
      expect(s.status).toBe('memory');
      // The TLS handshake is still going on: disconnecting fails it.
      await s.close();
      await new Promise((r) => setTimeout(r, 300));
      expect(printed.mock.calls.map((args) => args.join(' '))).toEqual([]);
    } finally {
      printed.mockRestore();
    }
  });

  it('uses a client you pass and leaves it open', async () => {
    const mine = new Redis(server.url);
    const s = new RedisRateStore({ redis: mine, prefix: `mine-${++prefixes}` });
    expect(await s.reserve(0, [charge(0, 1)])).toMatchObject({ ok: true });
    await s.close();
    expect(await mine.ping()).toBe('PONG');
    mine.disconnect();
  });
});

describe('RedisRateStore when Redis goes away', () => {
  it("falls back to memory with an event, recovers by itself and merges what it counted meanwhile ('memory')", async () => {
    const s = store({ retryIntervalMs: 50 });
    const fallbacks: RedisFallbackEvent[] = [];
    const recoveries: number[] = [];
    s.onFallback((e) => fallbacks.push(e));
    s.onRecover((e) => recoveries.push(e.downMs));
    const t = Date.now();
    const before = charge(t, 2, 10);
    expect(await s.reserve(t, [before])).toMatchObject({ ok: true });
    await s.setBan(t - 1000, t); // an old ban, long over: replayed into Redis harmlessly
    await server.kill();
    // In-memory budget: it starts from the 2 this process reserved in Redis, as usage it did not reserve there.
    // The same object through reserve and settle, as WeightLimiter passes them: that is how the store knows
    // where a charge was reserved.
    const during: SettledCharge = {
      ...charge(t, 3, 10),
      counted: 3,
      certain: true,
      serverCount: undefined,
      confirmedAtReserve: 0,
      late: false,
    };
    expect(await s.reserve(t, [during])).toMatchObject({ ok: true });
    expect(s.status).toBe('memory');
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toMatchObject({ policy: 'memory' });
    expect(await s.reserve(t, [charge(t, 6, 10)])).toMatchObject({ ok: false, reason: 'limit', used: 5 });
    // Settling a Redis reservation while Redis is down neither throws nor touches the fallback.
    await s.settle([
      { ...before, counted: 2, certain: true, serverCount: undefined, confirmedAtReserve: 0, late: false },
    ]);
    expect((await s.getState(t)).windows[0]).toMatchObject({ inFlight: 3, foreign: 2, used: 5 });
    await server.restart();
    await until(() => s.status === 'redis', 'recovery');
    expect(recoveries).toHaveLength(1);
    expect(fallbacks).toHaveLength(1);
    // Redis restarted empty: the 3 counted in memory were carried over, and the 2 reserved in Redis before, which
    // the restart lost, are back as usage no settle will touch.
    expect((await s.getState(t)).windows[0]).toMatchObject({ used: 5, foreign: 2 });
    // The memory reservation settles in memory, not twice in Redis.
    await s.settle([during]);
    expect((await s.getState(t)).windows[0]).toMatchObject({ used: 5, inFlight: 0, settled: 3, foreign: 2 });
  });

  it('counts what it sent during an outage once when the next server count, which holds it, comes in', async () => {
    const s = store({ retryIntervalMs: 50, commandTimeoutMs: 200 });
    const t = Date.now();
    const settled = (c: WindowCharge, serverCount: number): SettledCharge => ({
      ...c,
      counted: c.amount,
      certain: true,
      serverCount,
      confirmedAtReserve: 0,
      late: false,
    });
    const first = charge(t, 10, 1000);
    await s.reserve(t, [first]);
    await s.settle([settled(first, 10)]);
    // Redis hangs; five requests go out on the in-memory budget and the server counts them.
    server.freeze();
    for (let n = 2; n <= 6; n++) {
      const during = charge(t, 10, 1000);
      await s.reserve(t, [during]);
      await s.settle([settled(during, n * 10)]);
    }
    expect(s.status).toBe('memory');
    server.thaw();
    await until(() => s.status === 'redis', 'recovery');
    // The next answer's count holds all seven: none of it is someone else's. (In flight, Redis may still hold the
    // reservation it was sent as it hung, which ran when it woke.)
    const next = charge(t, 10, 1000);
    await s.reserve(t, [next]);
    await s.settle([settled(next, 70)]);
    expect((await s.getState(t)).windows[0]).toMatchObject({ settled: 70, foreign: 0 });
  });

  it('puts back the usage a restart lost, once: the window is not granted anew, nor counted twice', async () => {
    const a = store({ retryIntervalMs: 50, commandTimeoutMs: 200 });
    const prefix = a.namespace.slice(1, -1);
    const t = Date.now();
    const used = charge(t, 600, 1000);
    await a.reserve(t, [used]);
    await a.settle([{ ...used, counted: 600, certain: true, serverCount: 900, confirmedAtReserve: 0, late: false }]);
    // Restarted empty, between two calls (no persistence, as a cache-only Redis runs).
    await server.kill();
    await server.restart();
    await until(() => a.status === 'redis', 'recovery');
    // Another process, which knew nothing of the window, finds the 900 the exchange counted there.
    const b = new RedisRateStore({ redis: server.url, prefix });
    stores.push(b);
    expect(await b.reserve(t, [charge(t, 200, 1000)])).toMatchObject({ ok: false, reason: 'limit', used: 900 });
    expect(await b.reserve(t, [charge(t, 100, 1000)])).toMatchObject({ ok: true });
    // A recovery from a Redis that kept its data adds nothing: the window already holds what this process knew.
    server.freeze();
    await a.reserve(t, [charge(t, 0, 1000)]);
    expect(a.status).toBe('memory');
    server.thaw();
    await until(() => a.status === 'redis', 'recovery');
    expect((await b.getState(t)).windows[0]).toMatchObject({ used: 1000 });
  });

  it('writes its pause and ban into Redis again after a restart that no call noticed', async () => {
    const a = store({ retryIntervalMs: 50 });
    const events: string[] = [];
    a.onFallback((e) => events.push(`fallback: ${e.reason}`));
    a.onRecover(() => events.push('recover'));
    expect(await a.reserve(0, [charge(0, 1)])).toMatchObject({ ok: true });
    const now = Date.now();
    await a.setPause(now + 20_000, now);
    await a.setBan(now + 30_000, now);
    // Restarted empty, between two calls of this store (a guard under a ban does not call it).
    await server.kill();
    await server.restart();
    const prefix = a.namespace.slice(1, -1);
    // The ban is written back before the recovery is announced: wait for both.
    const recovered = async () =>
      events.includes('recover') && (await admin.exists(`{${prefix}}:ban`).catch(() => 0)) === 1;
    for (let i = 0; i < 100 && !(await recovered()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(['fallback: Redis connection closed', 'recover']);
    expect(a.status).toBe('redis');
    // A process that starts now, or had not asked Redis during the ban, finds it there.
    const c = new RedisRateStore({ redis: server.url, prefix });
    stores.push(c);
    const banned = await c.reserve(now, [charge(now, 1)]);
    expect(banned).toMatchObject({ ok: false, reason: 'ban' });
    // The restart and the recovery took some of the time left.
    const elapsed = Date.now() - now;
    expect((banned as ReserveFailure).until).toBeGreaterThan(now + 30_000 - elapsed - 100);
    expect((banned as ReserveFailure).until).toBeLessThanOrEqual(now + 30_000 + 100);
    const state = await c.getState(now);
    expect(state.pausedUntil).toBeGreaterThan(now + 20_000 - elapsed - 100);
    expect(state.pausedUntil).toBeLessThanOrEqual(now + 20_000 + 100);
  });

  it('starts its fallback from the usage it last knew of each current window', async () => {
    const s = store();
    const t = Date.now();
    const header: SettledCharge = {
      ...charge(t, 2, 100),
      counted: 2,
      certain: true,
      serverCount: 70,
      confirmedAtReserve: 0,
      late: false,
    };
    expect(await s.reserve(t, [header])).toMatchObject({ ok: true });
    // The server's header: 70 in this window, all processes behind the IP together.
    await s.settle([header]);
    // This process's own reservations, still in flight: 25 in another limit's window.
    expect(await s.reserve(t, [charge(t, 25, 100, 'RAW')])).toMatchObject({ ok: true });
    // A window that has ended is not carried over.
    expect(await s.reserve(t - 1000, [charge(t - 1000, 50, 100, 'OLD')])).toMatchObject({ ok: true });
    await server.kill();
    try {
      expect(await s.reserve(t, [charge(t, 31, 100)])).toMatchObject({ ok: false, reason: 'limit', used: 70 });
      expect(s.status).toBe('memory');
      expect(await s.reserve(t, [charge(t, 76, 100, 'RAW')])).toMatchObject({ ok: false, reason: 'limit', used: 25 });
      const during: SettledCharge = {
        ...charge(t, 20, 100),
        counted: 20,
        certain: true,
        serverCount: 95,
        confirmedAtReserve: 0,
        late: false,
      };
      expect(await s.reserve(t, [during, charge(t, 75, 100, 'RAW')])).toMatchObject({ ok: true });
      const windows = (await s.getState(t)).windows.map((w) => [w.limitKey, w.inFlight, w.foreign]);
      expect(windows.sort()).toEqual([
        ['RAW', 75, 25],
        ['REQUEST_WEIGHT:1MINUTE', 20, 70],
      ]);
      // The server's next header corrects it, as in a single process: 95 of which 20 are this request's.
      await s.settle([during]);
      expect((await s.getState(t)).windows.find((w) => w.limitKey === 'REQUEST_WEIGHT:1MINUTE')).toMatchObject({
        settled: 20,
        foreign: 75,
        used: 95,
      });
    } finally {
      await server.restart();
    }
  });

  it('recovers from one outage after another', async () => {
    const s = store({ whenUnavailable: 'fail-closed', retryIntervalMs: 50 });
    const events: string[] = [];
    s.onFallback(() => events.push('fallback'));
    s.onRecover(() => events.push('recover'));
    for (let i = 0; i < 3; i++) {
      expect(await s.reserve(10, [charge(0, 1, 100)])).toMatchObject({ ok: true });
      await server.kill();
      await expect(s.reserve(10, [charge(0, 1, 100)])).rejects.toThrow(/fails closed/);
      await server.restart();
      await until(() => s.status === 'redis', `recovery ${i + 1}`);
    }
    expect(events).toEqual(['fallback', 'recover', 'fallback', 'recover', 'fallback', 'recover']);
  });

  it('stays within the share of the limit it is given while in memory', async () => {
    const s = store({ fallbackShare: 0.5 });
    await s.reserve(0, [charge(0, 1)]);
    await server.kill();
    try {
      // 5 of 10, less the 1 it had reserved in Redis.
      expect(await s.reserve(0, [charge(0, 5)])).toMatchObject({ ok: false, reason: 'limit', used: 1 });
      expect(await s.reserve(0, [charge(0, 4)])).toMatchObject({ ok: true });
      expect(await s.reserve(0, [charge(0, 1)])).toMatchObject({ ok: false, reason: 'limit', used: 5 });
    } finally {
      await server.restart();
    }
  });

  it("refuses with a typed error and sends nothing while Redis is down ('fail-closed'), then recovers", async () => {
    const s = store({ whenUnavailable: 'fail-closed', retryIntervalMs: 50 });
    const fallbacks: RedisFallbackEvent[] = [];
    s.onFallback((e) => fallbacks.push(e));
    const c = charge(0, 1);
    await s.reserve(0, [c]);
    await server.kill();
    const err = await s.reserve(0, [charge(0, 1)]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBinanceError(err, 'throttled')).toBe(true);
    expect(err).toMatchObject({ executed: 'no', retryable: true, retryAfterMs: 50 });
    expect((err as Error).message).toMatch(/unavailable .* fails closed: the request was not sent/);
    expect(fallbacks).toEqual([expect.objectContaining({ policy: 'fail-closed' })]);
    expect(s.status).toBe('fail-closed');
    // Bookkeeping of requests already sent never throws.
    await s.settle([{ ...c, counted: 1, certain: true, serverCount: 3, confirmedAtReserve: 0, late: false }]);
    await s.release([c]);
    await s.setBan(1, 0);
    await server.restart();
    await until(() => s.status === 'redis', 'recovery');
    expect(await s.reserve(10, [charge(0, 1)])).toMatchObject({ ok: true });
  });

  it('falls back after commandTimeoutMs when Redis is not there at start-up', async () => {
    const memory = store({ redis: 'redis://127.0.0.1:1', commandTimeoutMs: 100 });
    const closed = store({ redis: 'redis://127.0.0.1:1', commandTimeoutMs: 100, whenUnavailable: 'fail-closed' });
    const results = await Promise.all(Array.from({ length: 20 }, () => memory.reserve(0, [charge(0, 1, 100)])));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(memory.status).toBe('memory');
    await expect(closed.reserve(0, [charge(0, 1)])).rejects.toThrow(/fails closed/);
  });

  it('treats a Redis that stops answering like one that is gone', async () => {
    const s = store({ commandTimeoutMs: 100, retryIntervalMs: 50 });
    await s.reserve(0, [charge(0, 1)]);
    const paused = new Redis(server.url);
    // CLIENT PAUSE holds every other client's commands without closing their connections.
    await paused.call('CLIENT', 'PAUSE', '400', 'ALL');
    const started = Date.now();
    expect(await s.reserve(0, [charge(0, 1)])).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeLessThan(350);
    expect(s.status).toBe('memory');
    await until(() => s.status === 'redis', 'recovery after the pause');
    paused.disconnect();
  });
});
