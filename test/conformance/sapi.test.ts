import { BinanceGuard, isBinanceError, type RateLimit } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import { describe, expect, it } from 'vitest';
import { fail } from '../support/fail.ts';
import { drivers } from './drivers.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// Binance counts /sapi/ (wallet, margin) apart from /api/ on the Spot host: through every client, a spent /api/
// budget refuses /api/ requests locally while /sapi/ requests still go out, and never draw on it.

const defer = deferredCleanups();

describe.each(drivers)('SAPI on the Spot host: $name', (driver) => {
  it('charges /sapi/ requests to their own budget, never to the /api/ one', async () => {
    const ex = await createFakeExchange();
    defer(() => ex.close());
    // A day-long window: what is spent stays spent for the whole test.
    const limits: RateLimit[] = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'DAY', intervalNum: 1, limit: 3 }];
    // No clock: the budget of 3 is for the pings (the sync a guard's first call starts weighs 1 a sample).
    const guard = new BinanceGuard(ex.url, {
      throttle: { limits, safety: 1, maxWaitMs: 0 },
      retry: { reads: 0 },
      clock: false,
    });
    defer(() => guard.close());
    const call = driver.create(ex.url, { guard });
    for (let i = 0; i < 3; i++) expect((await call({ path: '/api/v3/ping' })).status).toBe(200);
    expect(isBinanceError(await fail(call({ path: '/api/v3/ping' })), 'throttled')).toBe(true);
    expect(ex.count({ path: '/api/v3/ping' })).toBe(3);
    // The fake serves no /sapi/ endpoint: what matters is that each request reached it rather than being refused.
    for (let i = 0; i < 3; i++) await call({ path: '/sapi/v1/system/status' }).catch(() => undefined);
    expect(ex.count({ path: '/sapi/v1/system/status' })).toBe(3);
    const main = guard.snapshot().throttle?.limits.find((l) => l.budget === undefined);
    expect(main).toMatchObject({ limit: 3, used: 3 });
  });

  it('holds /sapi/ requests to the SAPI limits given, and the /api/ budget stays whole', async () => {
    const ex = await createFakeExchange();
    defer(() => ex.close());
    const sapi: RateLimit[] = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'DAY', intervalNum: 1, limit: 2 }];
    const guard = new BinanceGuard(ex.url, {
      throttle: { budgetLimits: { sapi }, safety: 1, maxWaitMs: 0 },
      retry: { reads: 0 },
    });
    defer(() => guard.close());
    const call = driver.create(ex.url, { guard });
    for (let i = 0; i < 2; i++) await call({ path: '/sapi/v1/system/status' }).catch(() => undefined);
    expect(isBinanceError(await fail(call({ path: '/sapi/v1/system/status' })), 'throttled')).toBe(true);
    expect(ex.count({ path: '/sapi/v1/system/status' })).toBe(2);
    expect((await call({ path: '/api/v3/ping' })).status).toBe(200);
    const limits = guard.snapshot().throttle?.limits ?? [];
    expect(limits.find((l) => l.budget === 'sapi')).toMatchObject({ limit: 2, used: 2 });
  });
});
