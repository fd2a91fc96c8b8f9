import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRateStore } from './MemoryRateStore.ts';
import type { AcquireRequest, ThrottleLimit } from './types.ts';
import { WeightLimiter } from './WeightLimiter.ts';

// On a whole minute, so every window below starts at T0.
const T0 = 1_800_000_000_000;

const LIMITS: ThrottleLimit[] = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100, intervalMs: 1000 },
  { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 20, intervalMs: 10_000 },
  { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 60, intervalMs: 5000 },
];

/** A limiter on a store of its own, whose reservations through the store's general entry are counted. */
function limiterOnStore() {
  const store = new MemoryRateStore();
  const viaCharges = vi.spyOn(store, 'reserveSync');
  const limiter = new WeightLimiter({ limits: LIMITS, safety: 1, edgeGuardMs: 50, earlyGuardMs: 10, store });
  /** `request` granted and answered (200) with the server clock at `at`. */
  const answeredAt = (at: number, request: AcquireRequest) => {
    vi.setSystemTime(at);
    limiter.settleNow(limiter.tryAcquire(request)!, { status: 200 });
  };
  return { limiter, viaCharges, answeredAt };
}

const read: AcquireRequest = Object.freeze({ weight: 4, orders: 0, label: 'GET /api/v3/depth' });
const order: AcquireRequest = Object.freeze({ weight: 1, orders: 1, weightOnSuccess: 0, label: 'POST /api/v3/order' });

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the lane of a frozen acquire request', () => {
  it('counts as the general path does, without building charges, and leaves requests near a window end to it', () => {
    const lane = limiterOnStore();
    const general = limiterOnStore();
    let server = 0;
    for (let step = 0; step < 40; step++) {
      const request = step % 3 === 0 ? order : read;
      // The same request as a fresh object, which only the general path takes.
      const inLane = lane.limiter.tryAcquire(request);
      const inGeneral = general.limiter.tryAcquire({ ...request });
      expect(inLane && JSON.stringify(inLane)).toBe(inGeneral && JSON.stringify(inGeneral));
      if (inLane && inGeneral) {
        // The server's count holds someone else's weight too, and some answers are errors.
        server += request.weight + 3;
        const status = step % 5 === 0 ? 400 : 200;
        // Some answers carry no usage headers: the counts are then the limiter's own.
        const outcome =
          step % 4 === 1
            ? { status }
            : { status, headers: { 'x-mbx-used-weight-1m': String(server), 'x-mbx-order-count-10s': String(step) } };
        if (step % 7 === 6) {
          lane.limiter.release(inLane);
          general.limiter.release(inGeneral);
        } else {
          lane.limiter.settleNow(inLane, outcome);
          general.limiter.settleNow(inGeneral, outcome);
        }
      }
      expect(lane.limiter.snapshot()).toEqual(general.limiter.snapshot());
      // 1 s windows: steps of 170 ms bring some requests within the 50 ms edge guard of a window's end.
      vi.advanceTimersByTime(170);
      if (Math.floor((T0 + (step + 1) * 170) / 1000) !== Math.floor((T0 + step * 170) / 1000)) server = 0;
    }
    expect(lane.limiter.snapshot().limits[0]!.used).toBeGreaterThan(0);
    // Every request went through the store's general entry on the general limiter; on the lane's, only those whose
    // span crossed a window's end did.
    expect(general.viaCharges).toHaveBeenCalledTimes(40);
    expect(lane.viaCharges.mock.calls.length).toBeGreaterThan(0);
    expect(lane.viaCharges.mock.calls.length).toBeLessThan(12);
  });

  it("leaves a request whose span crosses a later limit's window end to the general path, looking up no window itself", () => {
    // The longer window first: at T0 + 980 its window holds the span, the 1 s one's does not.
    const limits = [LIMITS[2]!, LIMITS[0]!];
    const lookups = (request: AcquireRequest) => {
      const store = new MemoryRateStore();
      const window = vi.spyOn(store, 'window');
      const limiter = new WeightLimiter({ limits, safety: 1, edgeGuardMs: 50, earlyGuardMs: 10, store });
      expect(limiter.tryAcquire(request)).toBeDefined();
      return window.mock.calls;
    };
    vi.setSystemTime(T0 + 980);
    // The same request as a fresh object takes the general path only.
    expect(lookups(read)).toEqual(lookups({ ...read }));
  });

  it('refuses a request a window has no room for, and queues it behind the full window', async () => {
    const { limiter } = limiterOnStore();
    const heavy = Object.freeze({ weight: 60, orders: 0 });
    const first = limiter.tryAcquire(heavy);
    expect(first).toBeDefined();
    expect(limiter.tryAcquire(heavy)).toBeUndefined();
    expect(limiter.snapshot().limits[0]!.used).toBe(60);
    // Answered inside its window: counted there, and not in the next.
    limiter.settleNow(first!, { status: 200 });
    expect(limiter.tryAcquire(heavy)).toBeUndefined();
    const waiting = limiter.acquire(heavy);
    // Its window ends at T0 + 1,000, and the server's clock may be 10 ms behind ours (earlyGuardMs).
    await vi.advanceTimersByTimeAsync(1010);
    await expect(waiting).resolves.toMatchObject({ weight: 60, waitedMs: 1010 });
  });

  it('counts in the window the clock reads now when it reads earlier than the windows the lane remembers', () => {
    const { limiter, viaCharges, answeredAt } = limiterOnStore();
    // The lane remembers the 1 s window starting at T0 + 1000 ...
    answeredAt(T0 + 1200, read);
    // ... and a server clock that reads 700 ms earlier (no step the limiter was told of) is in the one before it.
    answeredAt(T0 + 500, read);
    expect(viaCharges).not.toHaveBeenCalled();
    expect(limiter.snapshot().limits[0]).toMatchObject({ windowStart: T0, used: 4 });
    vi.setSystemTime(T0 + 1300);
    expect(limiter.snapshot().limits[0]).toMatchObject({ windowStart: T0 + 1000, used: 4 });
  });

  it('looks a window up again once the store has forgotten it (a server clock that stepped back)', () => {
    const { limiter, viaCharges, answeredAt } = limiterOnStore();
    // Inside the windows starting at T0, edge guards included, so the lane takes it and remembers them.
    answeredAt(T0 + 200, read);
    // Two minutes on, another request makes new windows, and the store forgets those long past.
    answeredAt(T0 + 120_200, order);
    vi.setSystemTime(T0 + 500);
    expect(limiter.tryAcquire(read)).toBeDefined();
    expect(viaCharges).not.toHaveBeenCalled();
    // Counted where the store (and the snapshot) sees it, not in the forgotten window the lane remembered.
    expect(limiter.snapshot().limits[0]).toMatchObject({ windowStart: T0, used: 4 });
  });
});
