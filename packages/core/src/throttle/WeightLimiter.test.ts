import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BinanceAbortError, BinanceIpBanError, BinanceThrottleError } from '../errors/classes.ts';
import { MAX_SERVER_WAIT_MS } from '../time/limits.ts';
import { DEFAULT_RATE_LIMITS } from './defaultLimits.ts';
import { MemoryRateStore } from './MemoryRateStore.ts';
import type { RateStore } from './RateStore.ts';
import type { Permit, ThrottleLimit, ThrottleWaitEvent, WeightLimiterOptions } from './types.ts';
import { WeightLimiter } from './WeightLimiter.ts';

// Fake time starts on a whole second (and a whole minute), so 1 s windows start at T0.
const T0 = 1_800_000_000_000;

const weight = (limit: number, intervalMs = 1000): ThrottleLimit => ({
  rateLimitType: 'REQUEST_WEIGHT',
  interval: 'MINUTE',
  intervalNum: 1,
  limit,
  intervalMs,
});
const orders = (limit: number, intervalMs = 10_000): ThrottleLimit => ({
  rateLimitType: 'ORDERS',
  interval: 'SECOND',
  intervalNum: 10,
  limit,
  intervalMs,
});

/**
 * A limiter with one 10-weight/1 s limit, no safety margin, no edge guards and a 2-minute maxWaitMs unless a test
 * asks otherwise.
 */
function make(options: WeightLimiterOptions = {}): WeightLimiter {
  return new WeightLimiter({
    limits: [weight(10)],
    safety: 1,
    edgeGuardMs: 0,
    earlyGuardMs: 0,
    maxWaitMs: 120_000,
    ...options,
  });
}

/** Watches a promise without awaiting it. */
function track<T>(promise: Promise<T>) {
  const state: { done: boolean; value: T | undefined; error: unknown } = {
    done: false,
    value: undefined,
    error: undefined,
  };
  promise.then(
    (value) => {
      state.done = true;
      state.value = value;
    },
    (error: unknown) => {
      state.done = true;
      state.error = error;
    },
  );
  return state;
}

const flush = () => vi.advanceTimersByTimeAsync(0);
const used = (limiter: WeightLimiter, i = 0) => limiter.snapshot().limits[i]?.used;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('WeightLimiter', () => {
  describe('options', () => {
    it('rejects bad options with an error naming the option and the value', () => {
      expect(() => new WeightLimiter({ maxWaitMs: -1 })).toThrow(/maxWaitMs .*got -1/);
      expect(() => new WeightLimiter({ safety: 0 })).toThrow(RangeError);
      expect(() => new WeightLimiter({ safety: 1.5 })).toThrow(/safety .*got 1.5/);
      expect(() => new WeightLimiter({ intervalScale: 0 })).toThrow(/intervalScale .*got 0/);
      expect(() => new WeightLimiter({ edgeGuardMs: Number.NaN })).toThrow(/edgeGuardMs .*got NaN/);
      expect(() => new WeightLimiter({ earlyGuardMs: Number.POSITIVE_INFINITY })).toThrow(/earlyGuardMs/);
      expect(() => new WeightLimiter({ limits: [weight(0)] })).toThrow(/limits\[0\]\.limit .*got 0/);
      expect(() => new WeightLimiter({ limits: [weight(5), { ...weight(5), interval: 'WEEK' as never }] })).toThrow(
        /limits\[1\]\.interval .*got "WEEK"/,
      );
      expect(() => new WeightLimiter({ limits: [{ ...weight(5), intervalNum: 1.5 }] })).toThrow(
        /intervalNum .*got 1.5/,
      );
      expect(() => new WeightLimiter({ limits: [{ ...weight(5), rateLimitType: 'X' as never }] })).toThrow(TypeError);
      expect(() => new WeightLimiter({ limits: [weight(5), weight(6)] })).toThrow(/repeats REQUEST_WEIGHT:1MINUTE/);
      expect(() => new WeightLimiter({ limits: 'x' as never })).toThrow(/limits must be an array/);
      expect(() => new WeightLimiter({ store: {} as never })).toThrow(/store must implement RateStore/);
      expect(() => new WeightLimiter({ timers: {} as never })).toThrow(/timers must have/);
      expect(() => new WeightLimiter({ serverNow: 5 as never })).toThrow(/serverNow must be a function.*got 5/);
    });

    it('defaults to the Spot limits at 98% and windows aligned to the clock', () => {
      const limiter = new WeightLimiter();
      const { limits } = limiter.snapshot();
      expect(limits.map((l) => [l.rateLimitType, l.interval, l.intervalNum, l.limit, l.capacity])).toEqual([
        ['REQUEST_WEIGHT', 'MINUTE', 1, 6000, 5880],
        ['ORDERS', 'SECOND', 10, 50, 49],
        ['ORDERS', 'DAY', 1, 160000, 156800],
        ['RAW_REQUESTS', 'MINUTE', 5, 300000, 294000],
      ]);
      expect(limits[0]).toMatchObject({ windowStart: T0, windowEnd: T0 + 60_000 });
      expect(DEFAULT_RATE_LIMITS).toHaveLength(4);
    });

    it('runs "1 MINUTE" as a shorter window with intervalScale or a per-limit intervalMs', () => {
      const scaled = new WeightLimiter({
        intervalScale: 1 / 30,
        limits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 10 }],
      });
      const w = scaled.snapshot().limits[0]!;
      expect(w.windowEnd - w.windowStart).toBe(2000);
      const overridden = make({ limits: [weight(10, 250)] }).snapshot().limits[0]!;
      expect(overridden.windowEnd - overridden.windowStart).toBe(250);
    });
  });

  describe('acquire', () => {
    it('grants while there is room, counts in-flight reservations, and waits for the next window', async () => {
      const limiter = make();
      const first = await limiter.acquire({ weight: 6 });
      const second = await limiter.acquire({ weight: 4 });
      const third = track(limiter.acquire({ weight: 1 }));
      await flush();
      expect(third.done).toBe(false);
      expect(limiter.snapshot()).toMatchObject({
        queued: 1,
        limits: [{ used: 10, windowStart: T0, windowEnd: T0 + 1000 }],
      });
      // Both are answered inside the window: they stay counted there, and take nothing from the next.
      await limiter.settle(first, { status: 200 });
      await limiter.settle(second, { status: 200 });
      await vi.advanceTimersByTimeAsync(999);
      expect(third.done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(third.done).toBe(true);
      expect(third.value).toMatchObject({ grantedAt: T0 + 1000, waitedMs: 1000, weight: 1 });
      expect(used(limiter)).toBe(1);
    });

    it('reserves weight, orders and one raw request in every limit', async () => {
      const limiter = make({
        limits: [
          weight(100),
          orders(5),
          { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 100 },
          { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 50 },
        ],
      });
      await limiter.acquire({ weight: 3, orders: 2 });
      await limiter.acquire({ weight: 4 });
      expect(limiter.snapshot().limits.map((l) => l.used)).toEqual([7, 2, 2, 2]);
    });

    it('aligns windows to the server clock, not the local one', async () => {
      // The server is 400 ms ahead: its window ends 600 ms from now by the local clock.
      const limiter = make({ serverNow: () => Date.now() + 400 });
      await limiter.settle(await limiter.acquire({ weight: 10 }), { status: 200 });
      const next = track(limiter.acquire({ weight: 1 }));
      await vi.advanceTimersByTimeAsync(599);
      expect(next.done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(next.value?.grantedAt).toBe(T0 + 1000);
    });

    it('serves waiters in arrival order: a light request does not overtake a heavy one on the same limit', async () => {
      const limiter = make();
      const first = await limiter.acquire({ weight: 5 });
      const order: string[] = [];
      const heavy = limiter.acquire({ weight: 8 }).then(() => order.push('heavy'));
      const light = track(limiter.acquire({ weight: 1 }).then(() => order.push('light')));
      await flush();
      // 1 would fit now (5 + 1 <= 10), but it is behind the 8 that does not.
      expect(light.done).toBe(false);
      // Answered inside its window, the 5 stays counted there: still no room for the 8, and the 1 still waits.
      await limiter.settle(first, { status: 200 });
      await flush();
      expect(light.done).toBe(false);
      await vi.advanceTimersByTimeAsync(1000);
      await heavy;
      expect(order).toEqual(['heavy', 'light']);
    });

    it("lets priority 'cancel' go ahead of queued normal requests", async () => {
      const limiter = make();
      const first = await limiter.acquire({ weight: 5 });
      const normal = track(limiter.acquire({ weight: 8 }));
      // A cancel that fits goes now, although a normal request is waiting.
      const cancel = track(limiter.acquire({ weight: 1, priority: 'cancel' }));
      await flush();
      expect(cancel.done).toBe(true);
      expect(normal.done).toBe(false);
      // Both are answered inside the window, so the next one has room for the 8.
      await limiter.settle(first, { status: 200 });
      await limiter.settle(cancel.value!, { status: 200 });

      // The next window fills with the 8 and a 2, both answered in it; the one after has room for two of three 4s:
      // the cancel that came last is one of them.
      await vi.advanceTimersByTimeAsync(1000);
      expect(normal.done).toBe(true);
      const grants: string[] = [];
      const filler = await limiter.acquire({ weight: 2 });
      await limiter.settle(normal.value!, { status: 200 });
      await limiter.settle(filler, { status: 200 });
      const n1 = limiter.acquire({ weight: 4 }).then(() => grants.push('n1'));
      const n2 = track(limiter.acquire({ weight: 4 }).then(() => grants.push('n2')));
      const c = limiter.acquire({ weight: 4, priority: 'cancel' }).then(() => grants.push('cancel'));
      await vi.advanceTimersByTimeAsync(1000);
      await Promise.all([n1, c]);
      expect(grants).toEqual(['cancel', 'n1']);
      expect(n2.done).toBe(false);
    });

    it('keeps reads flowing while only the order limit is exhausted', async () => {
      const limiter = make({ limits: [weight(100), orders(2)] });
      const first = await limiter.acquire({ weight: 1, orders: 1 });
      const second = await limiter.acquire({ weight: 1, orders: 1 });
      const order = track(limiter.acquire({ weight: 1, orders: 1, maxWaitMs: 60_000 }));
      const read = track(limiter.acquire({ weight: 5 }));
      await flush();
      expect(order.done).toBe(false);
      expect(read.done).toBe(true);
      // The two orders are answered inside their 10 s window: counted there, not in the next.
      await limiter.settle(first, { status: 200 });
      await limiter.settle(second, { status: 200 });
      await flush();
      expect(order.done).toBe(false);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(order.done).toBe(true);
    });

    it('fails fast with BinanceThrottleError when the wait would exceed maxWaitMs', async () => {
      const limiter = make({ limits: [weight(10, 60_000)], maxWaitMs: 500 });
      const first = await limiter.acquire({ weight: 10 });
      const error = await limiter.acquire({ weight: 2, label: 'GET /api/v3/klines' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BinanceThrottleError);
      expect(error).toMatchObject({ executed: 'no', retryable: true, retryAfterMs: 60_000, category: 'throttled' });
      const { message } = error as BinanceThrottleError;
      expect(message).toContain('GET /api/v3/klines');
      expect(message).toContain('REQUEST_WEIGHT 10 per 1 MINUTE');
      expect(message).toContain('has 10 used and the request needs 2');
      expect(message).toContain('room again in 60000 ms');
      expect(message).toContain('maxWaitMs 500');
      expect((error as BinanceThrottleError).rateLimit).toEqual({
        rateLimitType: 'REQUEST_WEIGHT',
        interval: 'MINUTE',
        intervalNum: 1,
        limit: 10,
      });
      // A per-request maxWaitMs overrides the limiter's. The 10, answered inside their window, leave the next free.
      await limiter.settle(first, { status: 200 });
      const patient = track(limiter.acquire({ weight: 2, maxWaitMs: 120_000 }));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(patient.value?.weight).toBe(2);
    });

    it('fails a queued request at once when the request ahead of it already waits longer than it may', async () => {
      const limiter = make({ limits: [weight(10, 60_000)], maxWaitMs: Number.POSITIVE_INFINITY });
      await limiter.acquire({ weight: 10 });
      const head = track(limiter.acquire({ weight: 5 }));
      const follower = track(limiter.acquire({ weight: 1, maxWaitMs: 1000 }));
      await flush();
      expect(head.done).toBe(false);
      expect(follower.error).toBeInstanceOf(BinanceThrottleError);
      expect((follower.error as BinanceThrottleError).retryAfterMs).toBe(60_000);
    });

    it('holds nobody back behind a request that gave up or was aborted', async () => {
      const limiter = make({ limits: [weight(10, 60_000)] });
      await limiter.acquire({ weight: 5 });
      const gaveUp = track(limiter.acquire({ weight: 8, maxWaitMs: 0 }));
      const light = track(limiter.acquire({ weight: 1 }));
      await flush();
      expect(gaveUp.error).toBeInstanceOf(BinanceThrottleError);
      expect(light.done).toBe(true);

      const controller = new AbortController();
      const aborted = track(limiter.acquire({ weight: 8, signal: controller.signal }));
      const behind = track(limiter.acquire({ weight: 1 }));
      await flush();
      expect(behind.done).toBe(false);
      controller.abort();
      await flush();
      expect(aborted.error).toBeInstanceOf(BinanceAbortError);
      expect(behind.done).toBe(true);
      expect(used(limiter)).toBe(7);
    });

    it('refuses a request heavier than a whole limit instead of waiting forever', async () => {
      const limiter = make({ limits: [weight(100), orders(5)], safety: 0.9 });
      const heavy = await limiter.acquire({ weight: 91, label: 'GET /api/v3/ticker/24hr' }).catch((e: unknown) => e);
      expect(heavy).toBeInstanceOf(BinanceThrottleError);
      expect(heavy).toMatchObject({ retryable: false, executed: 'no' });
      expect((heavy as Error).message).toMatch(/needs 91 .* at most 90 .*can never be sent/);
      await expect(limiter.acquire({ weight: 1, orders: 5 })).rejects.toThrow(/ORDERS 5 per 10 SECOND/);
      await expect(limiter.acquire({ weight: 90 })).resolves.toBeDefined();
    });

    it('rejects a bad weight or orders without reserving anything', async () => {
      const limiter = make();
      await expect(limiter.acquire({ weight: -1 })).rejects.toThrow(RangeError);
      await expect(limiter.acquire({ weight: Number.NaN })).rejects.toThrow(/weight .*got NaN/);
      await expect(limiter.acquire({ weight: 1, orders: -2 })).rejects.toThrow(/orders .*got -2/);
      await expect(limiter.acquire({ weight: 1, maxWaitMs: -5 })).rejects.toThrow(/maxWaitMs .*got -5/);
      expect(used(limiter)).toBe(0);
    });

    it('rejects with BinanceAbortError when the signal aborts while waiting, and takes nothing', async () => {
      const limiter = make();
      const first = await limiter.acquire({ weight: 10 });
      const controller = new AbortController();
      const aborted = limiter.acquire({ weight: 5, signal: controller.signal, label: 'GET /api/v3/depth' });
      const next = track(limiter.acquire({ weight: 5 }));
      await flush();
      controller.abort(new Error('user cancelled'));
      const error = await aborted.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BinanceAbortError);
      expect(error).toMatchObject({ executed: 'no', category: 'aborted' });
      expect((error as Error).message).toContain('GET /api/v3/depth');
      expect(limiter.snapshot().queued).toBe(1);
      await limiter.settle(first, { status: 200 });
      await vi.advanceTimersByTimeAsync(1000);
      expect(next.done).toBe(true);
      expect(used(limiter)).toBe(5);
    });

    it('rejects at once when the signal is already aborted', async () => {
      const limiter = make();
      await expect(limiter.acquire({ weight: 1, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
        BinanceAbortError,
      );
      expect(used(limiter)).toBe(0);
    });

    it('rejects with the store’s error when the store fails', async () => {
      const memory = new MemoryRateStore();
      const broken: RateStore = {
        reserve: () => Promise.reject(new Error('redis down')),
        settle: (charges) => memory.settle(charges),
        release: (charges) => memory.release(charges),
        setPause: (until) => memory.setPause(until),
        setBan: (until) => memory.setBan(until),
        getState: (at) => memory.getState(at),
      };
      const limiter = make({ store: broken });
      await expect(limiter.acquire({ weight: 1 })).rejects.toThrow('redis down');
      expect(limiter.snapshot().queued).toBe(0);
      // A synchronous store that throws rejects the same way, on the fast path.
      const corrupt = new MemoryRateStore();
      corrupt.reserveSync = () => {
        throw new Error('corrupt state');
      };
      await expect(make({ store: corrupt }).acquire({ weight: 1 })).rejects.toThrow('corrupt state');
    });

    it('grants, settles and releases through a synchronous store without its promises', async () => {
      const store = new MemoryRateStore();
      const asyncUsed = () => Promise.reject(new Error('the asynchronous store method was used'));
      store.reserve = asyncUsed;
      store.settle = asyncUsed;
      store.release = asyncUsed;
      const limiter = make({ store });
      const permit = await limiter.acquire({ weight: 3 });
      const unsent = await limiter.acquire({ weight: 2 });
      expect(store.peekState(T0).windows[0]).toMatchObject({ inFlight: 5, settled: 0 });
      // Recorded before settle and release return: no promise in between.
      void limiter.settle(permit, { status: 200 });
      void limiter.release(unsent);
      expect(store.peekState(T0).windows[0]).toMatchObject({ inFlight: 0, settled: 3 });
    });

    it('uses the injected timers', async () => {
      const calls: number[] = [];
      const limiter = make({
        timers: {
          setTimeout: (fn, ms) => {
            calls.push(ms);
            return setTimeout(fn, ms);
          },
          clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
        },
      });
      const first = await limiter.acquire({ weight: 10 });
      vi.setSystemTime(T0 + 250);
      await limiter.settle(first, { status: 200 });
      const next = track(limiter.acquire({ weight: 1 }));
      await flush();
      expect(calls).toEqual([750]);
      await vi.advanceTimersByTimeAsync(750);
      expect(next.done).toBe(true);
    });
  });

  describe('window edges', () => {
    it('charges a request released within edgeGuardMs of the window end to the next window too', async () => {
      const store = new MemoryRateStore();
      const limiter = make({ store, edgeGuardMs: 300 });
      vi.setSystemTime(T0 + 800);
      const first = await limiter.acquire({ weight: 10 });
      expect(store.peekState(T0).windows.map((w) => [w.start, w.used])).toEqual([
        [T0, 10],
        [T0 + 1000, 10],
      ]);
      // The first request may have been on its way at the boundary and been counted in the new window: its answer,
      // there, cannot tell, so both windows keep it, and a request released now could make it 11. It waits for the
      // window after, which the first request, charged to the new window, cannot have reached.
      await vi.advanceTimersByTimeAsync(200);
      await limiter.settle(first, { status: 200 });
      const next = track(limiter.acquire({ weight: 1 }));
      await vi.advanceTimersByTimeAsync(999);
      expect(next.done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(next.value?.grantedAt).toBe(T0 + 2000);
    });

    it('derives the edge guard from measured round trips: narrow on a fast link, wide under load', async () => {
      const store = new MemoryRateStore();
      const limiter = make({ store, limits: [weight(1000)], edgeGuardMs: undefined, monoNow: () => Date.now() });
      const starts = (at: number) =>
        store
          .peekState(at)
          .windows.filter((w) => w.inFlight > 0)
          .map((w) => w.start);
      expect(limiter.edgeGuardMs).toBe(500);
      for (let i = 0; i < 16; i++) {
        const permit = await limiter.acquire({ weight: 1 });
        vi.advanceTimersByTime(20);
        await limiter.settle(permit, { status: 200 });
      }
      // 20 ms round trips: 1.5 × 20 + 1 = 31 ms, raised to the 50 ms floor.
      expect(limiter.snapshot().edgeGuardMs).toBe(50);
      vi.setSystemTime(T0 + 900);
      const late = await limiter.acquire({ weight: 1 });
      // 100 ms before the boundary, a 50 ms guard charges one window; the fixed 500 ms charged both.
      expect(starts(T0)).toEqual([T0]);
      // The machine gets loaded: this answer takes 300 ms, and the next request released 400 ms before a boundary
      // is charged to both windows.
      vi.setSystemTime(T0 + 1200);
      await limiter.settle(late, { status: 200 });
      expect(limiter.edgeGuardMs).toBe(451);
      vi.setSystemTime(T0 + 1600);
      await limiter.acquire({ weight: 1 });
      expect(starts(T0 + 1000)).toEqual([T0 + 1000, T0 + 2000]);
    });

    it('learns nothing from a request that got no answer, and nothing at all when edgeGuardMs is set', async () => {
      const derived = make({ edgeGuardMs: undefined, monoNow: () => Date.now() });
      const permit = await derived.acquire({ weight: 1 });
      vi.advanceTimersByTime(4000);
      await derived.settle(permit, { success: false });
      expect(derived.edgeGuardMs).toBe(500);
      derived.observeLatency(900);
      expect(derived.edgeGuardMs).toBe(1351);
      const fixed = make({ edgeGuardMs: 120 });
      fixed.observeLatency(900);
      expect(fixed.edgeGuardMs).toBe(120);
      expect(() => make({ monoNow: 5 as never })).toThrow(/monoNow must be a function/);
    });

    it('charges one window only when the request cannot reach the next one', async () => {
      const store = new MemoryRateStore();
      const limiter = make({ store, edgeGuardMs: 300 });
      vi.setSystemTime(T0 + 699);
      const first = await limiter.acquire({ weight: 10 });
      expect(store.peekState(T0).windows.map((w) => w.start)).toEqual([T0]);
      // Answered before the boundary, as the edge guard expects of it.
      vi.setSystemTime(T0 + 999);
      await limiter.settle(first, { status: 200 });
      vi.setSystemTime(T0 + 1000);
      await expect(limiter.acquire({ weight: 10 })).resolves.toMatchObject({ grantedAt: T0 + 1000 });
    });

    it('frees the next window as soon as the response proves the request landed before the boundary', async () => {
      const limiter = make({ edgeGuardMs: 300, earlyGuardMs: 50 });
      vi.setSystemTime(T0 + 800);
      const permit = await limiter.acquire({ weight: 10 });
      vi.setSystemTime(T0 + 900);
      // The response is back 100 ms before the boundary (50 ms clock error included): it was counted in the first.
      await limiter.settle(permit, { status: 200 });
      vi.setSystemTime(T0 + 1050);
      await expect(limiter.acquire({ weight: 10 })).resolves.toMatchObject({ grantedAt: T0 + 1050 });
    });

    it('keeps both charges when the response cannot tell which window counted the request', async () => {
      const limiter = make({ edgeGuardMs: 300, earlyGuardMs: 50 });
      vi.setSystemTime(T0 + 800);
      const permit = await limiter.acquire({ weight: 10 });
      vi.setSystemTime(T0 + 980);
      await limiter.settle(permit, { status: 200, headers: { 'x-mbx-used-weight-1m': '10' } });
      vi.setSystemTime(T0 + 1050);
      const next = track(limiter.acquire({ weight: 1 }));
      await flush();
      expect(next.done).toBe(false);
      expect(used(limiter)).toBe(10);
    });

    it('charges a request released within earlyGuardMs after a boundary to the previous window too', async () => {
      // serverNow() may run up to 100 ms ahead of the real server clock.
      const limiter = make({ earlyGuardMs: 100 });
      // The first window is filled by a request answered well inside it (one answered within earlyGuardMs of its end
      // may have landed in the next window, and would count there too).
      vi.setSystemTime(T0 + 500);
      await limiter.settle(await limiter.acquire({ weight: 10 }), { status: 200 });
      vi.setSystemTime(T0 + 1000);
      const next = track(limiter.acquire({ weight: 1 }));
      await vi.advanceTimersByTimeAsync(99);
      expect(next.done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(next.value?.grantedAt).toBe(T0 + 1100);
    });

    it('holds a permit unanswered when the next window starts in that window too, not one answered', async () => {
      // A frozen acquire request takes the lane, a fresh object the general path: both check the same way.
      for (const frozen of [false, true]) {
        const request = (w: number) => (frozen ? Object.freeze({ weight: w }) : { weight: w });
        const limiter = make();
        vi.setSystemTime(T0 + 200);
        const answered = await limiter.acquire(request(4));
        vi.setSystemTime(T0 + 500);
        await limiter.acquire(request(3));
        vi.setSystemTime(T0 + 900);
        await limiter.settle(answered, { status: 200 });
        vi.setSystemTime(T0 + 1000);
        // The 3 may still leave the process (behind a connection pool, a busy event loop) and reach the server now;
        // the 4 were counted in the window that ended.
        expect(limiter.tryAcquire(request(8))).toBeUndefined();
        expect(limiter.tryAcquire(request(7))).toBeDefined();
      }
    });

    it('counts a permit answered after its window ended in the next window too, and ignores its header', async () => {
      for (const frozen of [false, true]) {
        const request = (w: number) => (frozen ? Object.freeze({ weight: w }) : { weight: w });
        const store = new MemoryRateStore();
        const limiter = make({ store });
        vi.setSystemTime(T0 + 500);
        const permit = await limiter.acquire(request(6));
        // Released mid-window, it reached the server before its answer, which came after the window's end.
        vi.setSystemTime(T0 + 1200);
        await limiter.settle(permit, { status: 200, headers: { 'x-mbx-used-weight-1m': '9' } });
        // Counted in its window, but the server's 9 may be of the next one: not read into this one.
        expect(store.peekState(T0).windows).toEqual([
          expect.objectContaining({ start: T0, used: 6, inFlight: 0, settled: 6, foreign: 0 }),
        ]);
        // It may have landed in the next window as well: its 6 stay counted there, answered or not.
        expect(limiter.tryAcquire(request(5))).toBeUndefined();
        expect(limiter.tryAcquire(request(4))).toBeDefined();
      }
    });

    it("places a request answered after the boundary by the server's Date header, in both paths", async () => {
      const date = (at: number) => new Date(at).toUTCString();
      // A frozen acquire request released mid-window takes the lane; one released at the edge the general path.
      for (const [releasedAt, frozen] of [
        [800, false],
        [500, true],
      ] as const) {
        const store = new MemoryRateStore();
        const limiter = make({ store, edgeGuardMs: 300, earlyGuardMs: 50 });
        vi.setSystemTime(T0 + releasedAt);
        const request = frozen ? Object.freeze({ weight: 6 }) : { weight: 6 };
        const permit = await limiter.acquire(request);
        // Answered after the boundary; the server stamped its answer in the second before it.
        vi.setSystemTime(T0 + 1100);
        await limiter.settle(permit, {
          status: 200,
          headers: { date: date(T0 + 990), 'x-mbx-used-weight-1m': '9' },
        });
        // Counted in the first window, where the server's 9 holds 3 of someone else's, and not in the new one.
        expect(store.peekState(T0).windows[0]).toMatchObject({ start: T0, settled: 6, foreign: 3 });
        expect(limiter.tryAcquire({ weight: 10 })).toBeDefined();
      }
    });

    it('keeps both charges when the Date header names the new second, is stale or is not a date', async () => {
      for (const value of [new Date(T0 + 1000).toUTCString(), new Date(T0 - 5000).toUTCString(), 'soon', 7]) {
        const limiter = make({ edgeGuardMs: 300, earlyGuardMs: 50 });
        vi.setSystemTime(T0 + 800);
        const permit = await limiter.acquire({ weight: 6 });
        vi.setSystemTime(T0 + 1100);
        await limiter.settle(permit, { status: 200, headers: { date: value } });
        expect(limiter.tryAcquire({ weight: 5 })).toBeUndefined();
        expect(limiter.tryAcquire({ weight: 4 })).toBeDefined();
      }
    });
  });

  describe('settle', () => {
    it('takes a higher server count as the authority (others on the same IP)', async () => {
      const limiter = make({ limits: [weight(100, 60_000)] });
      const permit = await limiter.acquire({ weight: 1 });
      await limiter.settle(permit, { status: 200, headers: { 'x-mbx-used-weight-1m': '90' } });
      expect(used(limiter)).toBe(90);
      await limiter.acquire({ weight: 10 });
      const over = track(limiter.acquire({ weight: 1, maxWaitMs: 0 }));
      await flush();
      expect(over.error).toBeInstanceOf(BinanceThrottleError);
    });

    it('never lowers the count below in-flight reservations because of a lower header', async () => {
      const limiter = make({ limits: [weight(100, 60_000)] });
      const a = await limiter.acquire({ weight: 10 });
      await limiter.acquire({ weight: 10 });
      await limiter.acquire({ weight: 10 });
      await limiter.settle(a, { status: 200, headers: { 'x-mbx-used-weight-1m': '5' } });
      expect(used(limiter)).toBe(30);
    });

    it('keeps the newest count when an older one arrives after it', async () => {
      const limiter = make({ limits: [weight(100, 60_000)] });
      const a = await limiter.acquire({ weight: 1 });
      const b = await limiter.acquire({ weight: 1 });
      // b reached the server after a and 48 weight of someone else; its response comes back first.
      // a is still in flight and may have reached the server after b: it stays counted on top of b's 50.
      await limiter.settle(b, { status: 200, headers: { 'x-mbx-used-weight-1m': '50' } });
      expect(used(limiter)).toBe(51);
      // a's older 20 says it was inside the 50, not on top of it. Taking 20 as the newest would drop the total to 20.
      await limiter.settle(a, { status: 200, headers: { 'x-mbx-used-weight-1m': '20' } });
      expect(used(limiter)).toBe(50);
      // A newer count replaces the estimate of the others' usage.
      const c = await limiter.acquire({ weight: 1 });
      await limiter.settle(c, { status: 200, headers: { 'x-mbx-used-weight-1m': '51' } });
      expect(used(limiter)).toBe(51);
    });

    it('applies a header only to the window its request was counted in', async () => {
      const limiter = make();
      const permit = await limiter.acquire({ weight: 1 });
      vi.setSystemTime(T0 + 1200);
      // Answered in the next window, it may have been counted in either: its count is read into neither.
      await limiter.settle(permit, { status: 200, headers: { 'x-mbx-used-weight-1m': '9' } });
      expect(used(limiter)).toBe(0);
      // The new window holds the request itself, which may have landed there, and none of the 9.
      expect(limiter.tryAcquire({ weight: 10 })).toBeUndefined();
      await expect(limiter.acquire({ weight: 9 })).resolves.toBeDefined();
    });

    it('reads the usage header from Headers, plain records and objects with get()', async () => {
      const shapes: unknown[] = [
        new Headers({ 'X-MBX-USED-WEIGHT-1M': '40' }),
        { 'x-mbx-used-weight-1m': '40' },
        { 'X-MBX-USED-WEIGHT-1M': ['40'] },
        { get: (name: string) => (name === 'x-mbx-used-weight-1m' ? '40' : undefined) },
      ];
      for (const headers of shapes) {
        const limiter = make({ limits: [weight(100, 60_000)] });
        const permit = await limiter.acquire({ weight: 1 });
        await limiter.settle(permit, { status: 200, headers });
        expect(used(limiter)).toBe(40);
      }
    });

    it('reconciles the order count with X-MBX-ORDER-COUNT-10S', async () => {
      const limiter = make({ limits: [weight(100, 60_000), orders(10)] });
      const permit = await limiter.acquire({ weight: 1, orders: 1 });
      await limiter.settle(permit, {
        status: 200,
        headers: { 'x-mbx-used-weight-1m': '1', 'x-mbx-order-count-10s': '7' },
      });
      expect(limiter.snapshot().limits.map((l) => l.used)).toEqual([1, 7]);
    });

    it('refunds the weight of a successful call that is free, and only on success', async () => {
      const limiter = make({ limits: [weight(10, 60_000), orders(10)] });
      const ok = await limiter.acquire({ weight: 1, orders: 1, weightOnSuccess: 0 });
      await limiter.settle(ok, { status: 200 });
      expect(limiter.snapshot().limits.map((l) => l.used)).toEqual([0, 1]);
      const rejected = await limiter.acquire({ weight: 1, orders: 1, weightOnSuccess: 0 });
      await limiter.settle(rejected, { status: 400 });
      expect(used(limiter)).toBe(1);
      const flagged = await limiter.acquire({ weight: 2 });
      await limiter.settle(flagged, { status: 200, refundOnSuccess: true });
      expect(used(limiter)).toBe(1);
      const notSuccess = await limiter.acquire({ weight: 2, weightOnSuccess: 0 });
      await limiter.settle(notSuccess, { status: 200, success: false });
      expect(used(limiter)).toBe(3);
    });

    it('lets a waiting request go as soon as a refund makes room', async () => {
      const limiter = make({ limits: [weight(1, 60_000)] });
      const order = await limiter.acquire({ weight: 1, weightOnSuccess: 0 });
      const waiting = track(limiter.acquire({ weight: 1 }));
      await flush();
      expect(waiting.done).toBe(false);
      await limiter.settle(order, { status: 201 });
      await flush();
      expect(waiting.done).toBe(true);
    });

    it('does nothing for a permit settled twice or from another limiter', async () => {
      const limiter = make({ limits: [weight(10, 60_000)] });
      const permit = await limiter.acquire({ weight: 2, weightOnSuccess: 0 });
      await limiter.settle(permit, { status: 200 });
      await limiter.settle(permit, { status: 200 });
      await limiter.release(permit);
      expect(used(limiter)).toBe(0);
      const other = make();
      await limiter.acquire({ weight: 3 });
      await other.settle(await other.acquire({ weight: 1 }));
      await limiter.release(await other.acquire({ weight: 1 }));
      expect(used(limiter)).toBe(3);
    });
  });

  describe('release', () => {
    it('returns the reservation of a request that was never sent', async () => {
      const limiter = make({ limits: [weight(10, 60_000)] });
      const permit = await limiter.acquire({ weight: 10 });
      const waiting = track(limiter.acquire({ weight: 4 }));
      await limiter.release(permit);
      await flush();
      expect(waiting.done).toBe(true);
      expect(used(limiter)).toBe(4);
    });
  });

  describe('penalize', () => {
    it('pauses every waiter and every new request until Retry-After has passed', async () => {
      const limiter = make({ limits: [weight(10)], earlyGuardMs: 50 });
      const events: unknown[] = [];
      limiter.onRateLimit((e) => events.push(e));
      await limiter.acquire({ weight: 10 });
      const waiter = track(limiter.acquire({ weight: 1 }));
      const impatient = track(limiter.acquire({ weight: 1, maxWaitMs: 2000 }));
      await limiter.penalize({ retryAfterMs: 5000 });
      await flush();
      expect(impatient.error).toBeInstanceOf(BinanceThrottleError);
      expect((impatient.error as Error).message).toContain('paused after a 429');
      const fresh = track(limiter.acquire({ weight: 1 }));
      expect(limiter.snapshot().pausedUntil).toBe(T0 + 5000);
      // The window ends after 1 s, but the pause holds everything: nothing is released before 5 s + the clock margin.
      await vi.advanceTimersByTimeAsync(5049);
      expect(waiter.done).toBe(false);
      expect(fresh.done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(waiter.value?.grantedAt).toBe(T0 + 5050);
      expect(fresh.value?.grantedAt).toBe(T0 + 5050);
      expect(events[0]).toEqual({
        source: 'server',
        label: undefined,
        retryAfterMs: 5000,
        pausedUntil: T0 + 5000,
        limit: undefined,
      });
    });

    it('pauses until the current weight window ends when the 429 gave no Retry-After', async () => {
      const limiter = make({ limits: [weight(10, 60_000)] });
      vi.setSystemTime(T0 + 15_000);
      await limiter.penalize();
      expect(limiter.snapshot().pausedUntil).toBe(T0 + 60_000);
      expect(() => limiter.penalize({ retryAfterMs: -1 })).toThrow(/retryAfterMs .*got -1/);
    });
  });

  describe('ban', () => {
    it('fails waiting and new requests with BinanceIpBanError until the ban ends', async () => {
      const limiter = make({ limits: [weight(10, 60_000)], maxWaitMs: Number.POSITIVE_INFINITY });
      const bans: unknown[] = [];
      limiter.onBan((e) => bans.push(e));
      await limiter.acquire({ weight: 10 });
      const waiter = track(limiter.acquire({ weight: 1 }));
      await flush();
      await limiter.ban({ retryAfterMs: 120_000 });
      await flush();
      expect(waiter.error).toBeInstanceOf(BinanceIpBanError);
      expect(waiter.error).toMatchObject({
        retryAfterMs: 120_000,
        executed: 'no',
        bannedUntil: new Date(T0 + 120_000),
      });
      expect(bans).toEqual([{ bannedUntil: T0 + 120_000, retryAfterMs: 120_000 }]);

      vi.setSystemTime(T0 + 100_000);
      const during = await limiter.acquire({ weight: 1, label: 'GET /api/v3/time' }).catch((e: unknown) => e);
      expect(during).toBeInstanceOf(BinanceIpBanError);
      expect(during).toMatchObject({ retryAfterMs: 20_000 });
      expect((during as Error).message).toContain('GET /api/v3/time was not sent');
      expect(limiter.snapshot().bannedUntil).toBe(T0 + 120_000);

      vi.setSystemTime(T0 + 120_000);
      await expect(limiter.acquire({ weight: 1 })).resolves.toMatchObject({ grantedAt: T0 + 120_000 });
      expect(limiter.snapshot().bannedUntil).toBeUndefined();
    });

    it('honours a ban another process recorded in a shared store', async () => {
      const store = new MemoryRateStore();
      const first = make({ store });
      const second = make({ store });
      await first.ban({ untilServerMs: T0 + 30_000 });
      await expect(second.acquire({ weight: 1 })).rejects.toBeInstanceOf(BinanceIpBanError);
      vi.setSystemTime(T0 + 30_000);
      await expect(second.acquire({ weight: 1 })).resolves.toBeDefined();
    });

    it('needs a time', () => {
      expect(() => make().ban({})).toThrow(/untilServerMs or retryAfterMs/);
    });

    it('records a ban or pause of any length, cut to three days, and keeps every request out until then', async () => {
      const banned = make();
      await banned.ban({ untilServerMs: Number.MAX_VALUE });
      expect(banned.snapshot().bannedUntil).toBe(T0 + MAX_SERVER_WAIT_MS);
      vi.setSystemTime(T0 + MAX_SERVER_WAIT_MS - 1000);
      await expect(banned.acquire({ weight: 1 })).rejects.toBeInstanceOf(BinanceIpBanError);
      vi.setSystemTime(T0 + MAX_SERVER_WAIT_MS);
      await expect(banned.acquire({ weight: 1 })).resolves.toBeDefined();

      vi.setSystemTime(T0);
      const paused = make({ maxWaitMs: Number.POSITIVE_INFINITY });
      await paused.penalize({ retryAfterMs: Number.POSITIVE_INFINITY });
      expect(paused.snapshot().pausedUntil).toBe(T0 + MAX_SERVER_WAIT_MS);
      const waiting = track(paused.acquire({ weight: 1 }));
      // Three days is past what one timer holds (2^31-1 ms is 24.8 days, but the pump must never spin): the
      // waiter stays queued through a whole day of timers firing.
      await vi.advanceTimersByTimeAsync(24 * 60 * 60 * 1000);
      expect(waiting.done).toBe(false);
      await vi.advanceTimersByTimeAsync(MAX_SERVER_WAIT_MS);
      expect(waiting.done).toBe(true);
    });

    it('never arms a timer longer than 2^31-1 ms', async () => {
      const delays: number[] = [];
      const limiter = new WeightLimiter({
        limits: [weight(100, 60_000)],
        maxWaitMs: Number.POSITIVE_INFINITY,
        timers: {
          setTimeout: (fn, ms) => {
            delays.push(ms);
            return setTimeout(fn, ms);
          },
          clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
        },
        intervalScale: 1e6,
      });
      await limiter.acquire({ weight: 98 });
      void limiter.acquire({ weight: 1 }).catch(() => {});
      await flush();
      expect(delays.length).toBeGreaterThan(0);
      expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
    });
  });

  describe('clockStepped', () => {
    const HOUR = 3_600_000;

    /** A limiter on a clock that can step, as a ServerClock's first sync or a resync after a suspend moves it. */
    function stepping(options: WeightLimiterOptions = {}) {
      let offset = 0;
      const limiter = make({ serverNow: () => Date.now() + offset, earlyGuardMs: 100, maxWaitMs: 10_000, ...options });
      const step = (ms: number) => {
        offset += ms;
        limiter.clockStepped(ms);
      };
      return { limiter, step };
    }

    it('moves a pause, a ban and the waiting requests with the clock: each lasts as long as before', async () => {
      const { limiter, step } = stepping();
      await limiter.penalize({ retryAfterMs: 2000 });
      const waiter = track(limiter.acquire({ weight: 1 }));
      await flush();
      step(120_000);
      await vi.advanceTimersByTimeAsync(2099);
      expect(waiter.done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(waiter.value).toMatchObject({ grantedAt: T0 + 120_000 + 2100, waitedMs: 2100 });

      await limiter.ban({ retryAfterMs: 5000 });
      step(-HOUR);
      await expect(limiter.acquire({ weight: 1 })).rejects.toMatchObject({ retryAfterMs: 5100 });
      expect(limiter.snapshot().bannedUntil).toBe(T0 + 2100 + 120_000 - HOUR + 5000);
    });

    it('keeps the usage of the current window counted on the new reading', async () => {
      const { limiter, step } = stepping();
      await limiter.acquire({ weight: 8 });
      step(-HOUR);
      expect(limiter.snapshot().limits[0]).toMatchObject({ used: 8, windowStart: T0 - HOUR });
      expect(limiter.tryAcquire({ weight: 3 })).toBeUndefined();
      expect(limiter.tryAcquire({ weight: 2 })).toBeDefined();
    });

    it("asks the store again when the clock steps while the store's answer is on its way", async () => {
      const store = new MemoryRateStore();
      const { limiter, step } = stepping({ store });
      // A 2 s pause in the store that the limiter learns of from the store's answer, which is on the old reading.
      await store.setPause(T0 + 2000);
      const waiter = track(limiter.acquire({ weight: 1 }));
      step(-HOUR);
      await vi.advanceTimersByTimeAsync(2100);
      expect(waiter.value).toMatchObject({ grantedAt: T0 - HOUR + 2100 });
    });

    it("changes nothing for a step within earlyGuardMs, a resync's usual correction", async () => {
      const { limiter, step } = stepping();
      await limiter.penalize({ retryAfterMs: 1000 });
      step(80);
      expect(limiter.snapshot().pausedUntil).toBe(T0 + 1000);
      step(-150);
      expect(limiter.snapshot().pausedUntil).toBe(T0 + 850);
    });
  });

  describe('learn', () => {
    it('replaces the limits from exchangeInfo and keeps usage by type and interval', async () => {
      const limiter = make({ limits: [weight(10, 60_000)] });
      await limiter.acquire({ weight: 8 });
      const waiting = track(limiter.acquire({ weight: 5 }));
      await flush();
      expect(waiting.done).toBe(false);
      const learnt = limiter.learn([
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 20 },
        { rateLimitType: 'CONNECTIONS' as never, interval: 'MINUTE', intervalNum: 5, limit: 300 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: -1 },
      ]);
      expect(learnt).toBe(true);
      await flush();
      expect(waiting.done).toBe(true);
      const [w, ...rest] = limiter.snapshot().limits;
      expect(rest).toEqual([]);
      // The configured 60 s window stays (tests run shortened windows); usage carried over: 8 + 5.
      expect(w).toMatchObject({ limit: 20, capacity: 20, used: 13, windowEnd: T0 + 60_000 });
    });

    it('changes nothing when no entry is usable', () => {
      const limiter = make();
      expect(limiter.learn([])).toBe(false);
      expect(limiter.learn('nope' as never)).toBe(false);
      expect(
        limiter.learn([{ rateLimitType: 'CONNECTIONS' as never, interval: 'MINUTE', intervalNum: 5, limit: 3 }]),
      ).toBe(false);
      expect(limiter.snapshot().limits[0]?.limit).toBe(10);
    });

    it('refuses queued requests that the new limits can never hold', async () => {
      const limiter = make({ limits: [weight(10, 60_000)] });
      await limiter.acquire({ weight: 10 });
      const waiting = track(limiter.acquire({ weight: 8 }));
      await flush();
      limiter.learn([{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 5 }]);
      await flush();
      expect(waiting.error).toBeInstanceOf(BinanceThrottleError);
      expect((waiting.error as BinanceThrottleError).retryable).toBe(false);
    });
  });

  describe('snapshot', () => {
    it('is plain serialisable data with usage, window, pause, ban and queue length', async () => {
      const limiter = make({ limits: [weight(10, 60_000), orders(5)] });
      await limiter.acquire({ weight: 10, orders: 1 });
      void limiter.acquire({ weight: 1 }).catch(() => undefined);
      await limiter.penalize({ retryAfterMs: 1000 });
      await flush();
      const snapshot = limiter.snapshot();
      expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
      expect(snapshot).toEqual({
        limits: [
          {
            rateLimitType: 'REQUEST_WEIGHT',
            interval: 'MINUTE',
            intervalNum: 1,
            limit: 10,
            capacity: 10,
            used: 10,
            windowStart: T0,
            windowEnd: T0 + 60_000,
          },
          {
            rateLimitType: 'ORDERS',
            interval: 'SECOND',
            intervalNum: 10,
            limit: 5,
            capacity: 5,
            used: 1,
            windowStart: T0,
            windowEnd: T0 + 10_000,
          },
        ],
        pausedUntil: T0 + 1000,
        queued: 1,
        edgeGuardMs: 0,
      });
      await expect(limiter.fetchSnapshot()).resolves.toEqual(snapshot);
      limiter.close();
    });

    it('answers from the last fetched state with a store that cannot be read synchronously', async () => {
      const memory = new MemoryRateStore();
      const remote: RateStore = {
        reserve: (at, charges) => memory.reserve(at, charges),
        settle: (charges) => memory.settle(charges),
        release: (charges) => memory.release(charges),
        setPause: (until) => memory.setPause(until),
        setBan: (until) => memory.setBan(until),
        getState: (at) => memory.getState(at),
      };
      const limiter = make({ store: remote });
      await limiter.acquire({ weight: 3 });
      expect(used(limiter)).toBe(0);
      await flush();
      expect(used(limiter)).toBe(3);
      expect((await limiter.fetchSnapshot()).limits[0]?.used).toBe(3);
    });
  });

  describe('events', () => {
    it('reports waits with numbers and a redacted label, and unsubscribes', async () => {
      const limiter = make({ limits: [weight(10, 60_000)] });
      const waits: ThrottleWaitEvent[] = [];
      const off = limiter.onWait((e) => waits.push(e));
      limiter.onWait(() => {
        throw new Error('a broken listener');
      });
      await limiter.settle(await limiter.acquire({ weight: 10 }), { status: 200 });
      vi.setSystemTime(T0 + 10_000);
      const label = 'GET /api/v3/account?timestamp=1&signature=abcdef0123456789';
      const waiting = track(limiter.acquire({ weight: 2, label }));
      await flush();
      expect(waits).toEqual([
        {
          label: 'GET /api/v3/account?timestamp=1&signature=[REDACTED]',
          weight: 2,
          orders: 0,
          waitMs: 50_000,
          reason: 'limit',
          limit: {
            rateLimitType: 'REQUEST_WEIGHT',
            interval: 'MINUTE',
            intervalNum: 1,
            limit: 10,
            capacity: 10,
            used: 10,
          },
          queued: 1,
        },
      ]);
      off();
      void limiter.acquire({ weight: 2 });
      await flush();
      expect(waits).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(50_000);
      expect(waiting.done).toBe(true);
    });
  });

  describe('Permit', () => {
    it('shows only its public fields when inspected or serialised', async () => {
      const permit: Permit = await make().acquire({ weight: 2, label: 'GET /api/v3/depth' });
      const fields = {
        weight: 2,
        orders: 0,
        label: 'GET /api/v3/depth',
        grantedAt: T0,
        waitedMs: 0,
        weightOnSuccess: undefined,
      };
      expect(JSON.parse(JSON.stringify(permit))).toEqual(JSON.parse(JSON.stringify(fields)));
      expect(inspect(permit, { depth: Number.POSITIVE_INFINITY })).not.toMatch(/charges|owner|WeightLimiter/);
    });
  });

  describe('close', () => {
    it('rejects waiting requests with BinanceAbortError', async () => {
      const limiter = make();
      await limiter.acquire({ weight: 10 });
      const waiting = track(limiter.acquire({ weight: 1 }));
      await flush();
      limiter.close();
      await flush();
      expect(waiting.error).toBeInstanceOf(BinanceAbortError);
      expect(limiter.snapshot().queued).toBe(0);
    });
  });
});
