import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BinanceThrottleError } from '../errors/classes.ts';
import { spot } from '../profiles/spot.ts';
import { USDM_DEFAULT_LIMITS, usdm } from '../profiles/usdm.ts';
import { weightOf } from '../weights/weightOf.ts';
import { DEFAULT_RATE_LIMITS } from './defaultLimits.ts';
import { MemoryRateStore } from './MemoryRateStore.ts';
import type { ThrottleLimit, WeightLimiterOptions } from './types.ts';
import { WeightLimiter } from './WeightLimiter.ts';

// Fake time starts on a whole minute, so every window of these tests starts at T0.
const T0 = 1_800_000_000_000;

const perMinute = (rateLimitType: ThrottleLimit['rateLimitType'], limit: number): ThrottleLimit => ({
  rateLimitType,
  interval: 'MINUTE',
  intervalNum: 1,
  limit,
});
const per10s = (limit: number): ThrottleLimit => ({
  rateLimitType: 'ORDERS',
  interval: 'SECOND',
  intervalNum: 10,
  limit,
});

function make(options: WeightLimiterOptions): WeightLimiter {
  return new WeightLimiter({ safety: 1, edgeGuardMs: 0, earlyGuardMs: 0, maxWaitMs: 0, ...options });
}

/** Acquires what `weightOf` says the request costs, as the guard does, and settles it with `headers`. */
async function send(
  limiter: WeightLimiter,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  params?: Record<string, string>,
): Promise<void> {
  const cost = weightOf(method, path, params, limiter.profile.endpoints);
  const permit = await limiter.acquire({ ...cost, label: `${method} ${path}` });
  await limiter.settle(permit, { status: 200, headers });
}

function usedOf(
  limiter: WeightLimiter,
  match: { budget?: string; group?: string; rateLimitType: string; intervalNum?: number },
) {
  const limit = limiter
    .snapshot()
    .limits.find(
      (l) =>
        l.budget === match.budget &&
        l.group === match.group &&
        l.rateLimitType === match.rateLimitType &&
        (match.intervalNum === undefined || l.intervalNum === match.intervalNum),
    );
  if (limit === undefined) throw new Error(`no limit ${JSON.stringify(match)} in the snapshot`);
  return limit.used;
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('WeightLimiter with a profile', () => {
  it('starts from the profile’s default limits: Spot’s without a profile, the futures ones with usdm', () => {
    const shape = (limiter: WeightLimiter) =>
      limiter.snapshot().limits.map(({ rateLimitType, interval, intervalNum, limit }) => ({
        rateLimitType,
        interval,
        intervalNum,
        limit,
      }));
    expect(shape(new WeightLimiter())).toEqual(DEFAULT_RATE_LIMITS);
    expect(shape(new WeightLimiter({ profile: spot }))).toEqual(DEFAULT_RATE_LIMITS);
    expect(shape(new WeightLimiter({ profile: usdm }))).toEqual(USDM_DEFAULT_LIMITS);
    expect(new WeightLimiter({ profile: usdm }).snapshot().limits.map((l) => l.capacity)).toEqual([2352, 294, 1176]);
  });

  it('refuses a profile that is not one, and budgetLimits naming a budget the profile lacks', () => {
    expect(() => new WeightLimiter({ profile: 'usdm' as never })).toThrow(/profile must be an ApiProfile.*got "usdm"/);
    expect(() => new WeightLimiter({ budgetLimits: { spai: [] } })).toThrow(/budgetLimits\.spai: .*it has "sapi"/);
    expect(() => new WeightLimiter({ profile: usdm, budgetLimits: { sapi: [] } })).toThrow(/budgetLimits\.sapi/);
    expect(() => new WeightLimiter({ budgetLimits: { sapi: [perMinute('REQUEST_WEIGHT', 0)] } })).toThrow(
      /budgetLimits\.sapi\[0\]\.limit must be a positive integer, got 0/,
    );
  });

  describe('Spot’s two budgets', () => {
    it('charges a /sapi/ request to the SAPI budget only, so it goes while /api/ is spent', async () => {
      const limiter = make({
        limits: [perMinute('REQUEST_WEIGHT', 20)],
        budgetLimits: { sapi: [perMinute('REQUEST_WEIGHT', 10)] },
      });
      await send(limiter, 'GET', '/api/v3/exchangeInfo'); // 20: the /api/ budget is full
      await expect(send(limiter, 'GET', '/api/v3/time')).rejects.toBeInstanceOf(BinanceThrottleError);
      await send(limiter, 'GET', '/sapi/v1/capital/config/getall');
      expect(usedOf(limiter, { rateLimitType: 'REQUEST_WEIGHT' })).toBe(20);
      expect(usedOf(limiter, { budget: 'sapi', rateLimitType: 'REQUEST_WEIGHT' })).toBe(1);
    });

    it('refuses a /sapi/ request on a full SAPI budget with an error naming that budget, and /api/ still goes', async () => {
      const limiter = make({
        limits: [perMinute('REQUEST_WEIGHT', 20)],
        budgetLimits: { sapi: [perMinute('REQUEST_WEIGHT', 2)] },
      });
      await send(limiter, 'GET', '/sapi/v1/a', {});
      await send(limiter, 'GET', '/sapi/v1/b', {});
      const error = await send(limiter, 'GET', '/sapi/v1/c').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BinanceThrottleError);
      expect((error as Error).message).toMatch(/sapi budget's REQUEST_WEIGHT 2 per 1 MINUTE .* has 2 used/);
      await send(limiter, 'GET', '/api/v3/time');
      expect(usedOf(limiter, { rateLimitType: 'REQUEST_WEIGHT' })).toBe(1);
    });

    it('reconciles the SAPI budget from X-SAPI-USED-IP-WEIGHT-1M and never from X-MBX-USED-WEIGHT-1M', async () => {
      const limiter = make({ budgetLimits: { sapi: [perMinute('REQUEST_WEIGHT', 12_000)] } });
      await send(limiter, 'GET', '/sapi/v1/capital/config/getall', {
        'X-SAPI-USED-IP-WEIGHT-1M': '500',
        'X-MBX-USED-WEIGHT-1M': '4000',
      });
      expect(usedOf(limiter, { budget: 'sapi', rateLimitType: 'REQUEST_WEIGHT' })).toBe(500);
      expect(usedOf(limiter, { rateLimitType: 'REQUEST_WEIGHT' })).toBe(0);
      await send(limiter, 'GET', '/api/v3/time', { 'X-MBX-USED-WEIGHT-1M': '300', 'X-SAPI-USED-IP-WEIGHT-1M': '9000' });
      expect(usedOf(limiter, { rateLimitType: 'REQUEST_WEIGHT' })).toBe(300);
      expect(usedOf(limiter, { budget: 'sapi', rateLimitType: 'REQUEST_WEIGHT' })).toBe(500);
    });

    it('charges /sapi/ nothing when its budget has no limits, and still never the /api/ budget', async () => {
      const limiter = make({ limits: [perMinute('REQUEST_WEIGHT', 5)] });
      for (let i = 0; i < 10; i++) await send(limiter, 'GET', 'https://api.binance.com/sapi/v1/system/status');
      expect(usedOf(limiter, { rateLimitType: 'REQUEST_WEIGHT' })).toBe(0);
    });

    it('keeps the SAPI budget when exchangeInfo’s limits replace the /api/ ones', async () => {
      const limiter = make({ budgetLimits: { sapi: [perMinute('REQUEST_WEIGHT', 100)] } });
      await send(limiter, 'GET', '/sapi/v1/capital/config/getall');
      expect(limiter.learn([perMinute('REQUEST_WEIGHT', 6000)])).toBe(true);
      expect(limiter.snapshot().limits.map((l) => [l.budget, l.limit, l.used])).toEqual([
        [undefined, 6000, 0],
        ['sapi', 100, 1],
      ]);
    });
  });

  describe('USDⓈ-M Futures', () => {
    const futures = () =>
      make({ profile: usdm, limits: [perMinute('REQUEST_WEIGHT', 2400), per10s(10), perMinute('ORDERS', 4)] });

    it('charges a batch 5 orders in the 10 s window and 1 in the minute window', async () => {
      const limiter = futures();
      await send(limiter, 'POST', '/fapi/v1/batchOrders');
      await send(limiter, 'POST', '/fapi/v1/batchOrders');
      expect(usedOf(limiter, { rateLimitType: 'ORDERS', intervalNum: 10 })).toBe(10);
      expect(usedOf(limiter, { rateLimitType: 'ORDERS', intervalNum: 1 })).toBe(2);
      // The 10 s window is full: a single order waits for the next one, though the minute window has room.
      const error = await send(limiter, 'POST', '/fapi/v1/order').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BinanceThrottleError);
      expect((error as BinanceThrottleError).rateLimit).toEqual(per10s(10));
      await vi.advanceTimersByTimeAsync(10_000);
      await send(limiter, 'POST', '/fapi/v1/order');
      await send(limiter, 'POST', '/fapi/v1/order');
      expect(usedOf(limiter, { rateLimitType: 'ORDERS', intervalNum: 10 })).toBe(2);
      expect(usedOf(limiter, { rateLimitType: 'ORDERS', intervalNum: 1 })).toBe(4);
      // Now the minute window is the full one.
      const minute = await send(limiter, 'POST', '/fapi/v1/order').catch((e: unknown) => e);
      expect((minute as BinanceThrottleError).rateLimit).toEqual(perMinute('ORDERS', 4));
    });

    it('lets a queued single order go when the 10 s window turns, in order, without waiting for the minute', async () => {
      const limiter = make({ profile: usdm, maxWaitMs: 60_000, limits: [per10s(5), perMinute('ORDERS', 100)] });
      await send(limiter, 'POST', '/fapi/v1/batchOrders');
      let granted = false;
      const waiting = limiter
        .acquire({ ...weightOf('POST', '/fapi/v1/order', undefined, usdm.endpoints) })
        .then((permit) => {
          granted = true;
          return permit;
        });
      await vi.advanceTimersByTimeAsync(9_999);
      expect(granted).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(granted).toBe(true);
      await limiter.settle(await waiting, { status: 200 });
    });

    it('reconciles the order windows from X-MBX-ORDER-COUNT-10S and -1M, and the weight from X-MBX-USED-WEIGHT-1M', async () => {
      const limiter = futures();
      await send(limiter, 'POST', '/fapi/v1/order', { 'x-mbx-order-count-10s': '7', 'x-mbx-order-count-1m': '3' });
      expect(usedOf(limiter, { rateLimitType: 'ORDERS', intervalNum: 10 })).toBe(7);
      expect(usedOf(limiter, { rateLimitType: 'ORDERS', intervalNum: 1 })).toBe(3);
      await send(limiter, 'GET', '/fapi/v1/depth', { 'X-MBX-USED-WEIGHT-1M': '120' });
      expect(usedOf(limiter, { rateLimitType: 'REQUEST_WEIGHT' })).toBe(120);
    });

    it('learns the limits of a futures exchangeInfo and keeps the usage of the same windows', async () => {
      const limiter = make({ profile: usdm });
      await send(limiter, 'POST', '/fapi/v1/batchOrders');
      // The rateLimits of GET /fapi/v1/exchangeInfo for a VIP account.
      const learnt = limiter.learn([
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 4800 },
        { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 600 },
      ]);
      expect(learnt).toBe(true);
      expect(limiter.snapshot().limits.map((l) => [l.rateLimitType, l.intervalNum, l.limit, l.used])).toEqual([
        ['REQUEST_WEIGHT', 1, 4800, 5],
        ['ORDERS', 1, 2400, 1],
        ['ORDERS', 10, 600, 5],
      ]);
    });

    it('enforces an endpoint’s own limit apart from the weight budget, shared by the endpoints of its group', async () => {
      const limiter = make({ profile: usdm });
      const own = usdm.endpoints.get('GET /fapi/v1/fundingRate')!.ownLimit!;
      // 500 per 5 minutes, shared with fundingInfo.
      for (let i = 0; i < 250; i++) {
        await send(limiter, 'GET', '/fapi/v1/fundingRate');
        await send(limiter, 'GET', '/fapi/v1/fundingInfo');
      }
      expect(usedOf(limiter, { group: own.group, rateLimitType: 'RAW_REQUESTS' })).toBe(500);
      const error = await send(limiter, 'GET', '/fapi/v1/fundingInfo').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BinanceThrottleError);
      expect((error as Error).message).toMatch(
        /own limit of GET \/fapi\/v1\/fundingInfo \+ GET \/fapi\/v1\/fundingRate, 500 per 5 MINUTE/,
      );
      // Another group and the weight budget are untouched.
      await send(limiter, 'GET', '/futures/data/openInterestHist');
      await send(limiter, 'GET', '/fapi/v1/time');
      expect(usedOf(limiter, { rateLimitType: 'REQUEST_WEIGHT' })).toBe(1);
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      await send(limiter, 'GET', '/fapi/v1/fundingInfo');
    });

    it('keeps its counters apart from a Spot limiter on the same shared store', async () => {
      const store = new MemoryRateStore();
      const spotLimiter = make({ store, limits: [perMinute('REQUEST_WEIGHT', 50)] });
      const futuresLimiter = make({ store, profile: usdm, limits: [perMinute('REQUEST_WEIGHT', 50)] });
      const depth = { limit: '500' };
      await send(spotLimiter, 'GET', '/api/v3/depth', {}, depth); // 25
      await send(futuresLimiter, 'GET', '/fapi/v1/depth', {}, depth); // 10
      await send(futuresLimiter, 'GET', '/fapi/v1/depth', {}, depth);
      expect(usedOf(spotLimiter, { rateLimitType: 'REQUEST_WEIGHT' })).toBe(25);
      expect(usedOf(futuresLimiter, { rateLimitType: 'REQUEST_WEIGHT' })).toBe(20);
      await send(spotLimiter, 'GET', '/api/v3/depth', {}, depth);
      expect(usedOf(spotLimiter, { rateLimitType: 'REQUEST_WEIGHT' })).toBe(50);
    });
  });

  it('rejects a malformed ordersByInterval, path or ownLimit with an error naming it', async () => {
    const limiter = make({});
    await expect(limiter.acquire({ weight: 1, ordersByInterval: { '10S': -1 } })).rejects.toThrow(
      /ordersByInterval\["10S"\] must be a non-negative number, got -1/,
    );
    await expect(limiter.acquire({ weight: 1, path: 5 as never })).rejects.toThrow(/path must be .*got 5/);
    await expect(limiter.acquire({ weight: 1, ownLimit: { group: '' } as never })).rejects.toThrow(/ownLimit must be/);
  });
});
