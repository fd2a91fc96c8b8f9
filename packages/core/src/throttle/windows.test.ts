import { describe, expect, it } from 'vitest';
import type { RateLimit } from '../errors/types.ts';
import { headerName, INTERVAL_MS, intervalMs, limitKey, windowStart } from './windows.ts';

const weight1m = { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 } as const;
const orders10s = { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 } as const;
const orders1d = { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 160000 } as const;
const raw5m = { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 300000 } as const;

describe('intervalMs', () => {
  it('multiplies intervalNum by the unit and the scale', () => {
    expect(intervalMs(weight1m)).toBe(60_000);
    expect(intervalMs(orders10s)).toBe(10_000);
    expect(intervalMs(orders1d)).toBe(86_400_000);
    expect(intervalMs(raw5m)).toBe(300_000);
    expect(intervalMs({ interval: 'HOUR', intervalNum: 2 })).toBe(7_200_000);
    expect(intervalMs(weight1m, 1 / 30)).toBe(2000);
    expect(INTERVAL_MS.SECOND).toBe(1000);
  });

  it('rejects an unknown interval', () => {
    expect(() => intervalMs({ interval: 'WEEK' as never, intervalNum: 1 })).toThrow(/got WEEK/);
  });
});

describe('windowStart', () => {
  it('aligns to whole minutes, 10 s marks and 00:00 UTC on the given clock', () => {
    const t = Date.UTC(2026, 3, 2, 13, 45, 27, 345);
    expect(windowStart(t, 60_000)).toBe(Date.UTC(2026, 3, 2, 13, 45, 0));
    expect(windowStart(t, 10_000)).toBe(Date.UTC(2026, 3, 2, 13, 45, 20));
    expect(windowStart(t, 86_400_000)).toBe(Date.UTC(2026, 3, 2));
    expect(windowStart(t, 300_000)).toBe(Date.UTC(2026, 3, 2, 13, 45, 0));
    // The boundary itself belongs to the new window.
    expect(windowStart(Date.UTC(2026, 3, 2, 13, 46), 60_000)).toBe(Date.UTC(2026, 3, 2, 13, 46));
    expect(windowStart(Date.UTC(2026, 3, 2, 13, 46) - 1, 60_000)).toBe(Date.UTC(2026, 3, 2, 13, 45));
  });
});

describe('headerName', () => {
  it('names the usage header of each limit, and none for RAW_REQUESTS', () => {
    expect(headerName(weight1m)).toBe('X-MBX-USED-WEIGHT-1M');
    expect(headerName(orders10s)).toBe('X-MBX-ORDER-COUNT-10S');
    expect(headerName(orders1d)).toBe('X-MBX-ORDER-COUNT-1D');
    expect(headerName({ rateLimitType: 'REQUEST_WEIGHT', interval: 'HOUR', intervalNum: 1 })).toBe(
      'X-MBX-USED-WEIGHT-1H',
    );
    expect(headerName(raw5m)).toBeUndefined();
  });
});

describe('limitKey', () => {
  it('identifies a limit by type and interval, not by its value', () => {
    expect(limitKey(weight1m)).toBe('REQUEST_WEIGHT:1MINUTE');
    const learnt: RateLimit = { ...weight1m, limit: 1200 };
    expect(limitKey(learnt)).toBe(limitKey(weight1m));
    expect(limitKey(orders10s)).not.toBe(limitKey(orders1d));
  });
});
