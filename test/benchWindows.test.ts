import { describe, expect, it } from 'vitest';
import { fullWindows, skewToLead, windowUsage } from '../bench/lib/windows.ts';

const MINUTE = 60_000;
const T = 1_800_000_000_000; // a whole minute (and second)

describe('fullWindows', () => {
  it('keeps only the windows that lie wholly inside the range', () => {
    expect(fullWindows(T + 1, T + 3 * MINUTE, MINUTE)).toEqual({ first: T / MINUTE + 1, last: T / MINUTE + 2 });
    expect(fullWindows(T, T + 3 * MINUTE - 1, MINUTE)).toEqual({ first: T / MINUTE, last: T / MINUTE + 1 });
  });

  it('finds none in a range shorter than a window', () => {
    const { first, last } = fullWindows(T + 10, T + MINUTE + 10, MINUTE);
    expect(last).toBeLessThan(first);
  });
});

describe('windowUsage', () => {
  const ok = (time: number, weight: number) => ({ time, weight, status: 200 });

  it('divides the 2xx weight of the full windows by the limit, leaving out the partial windows at both ends', () => {
    const requests = [
      ok(T + MINUTE - 1, 500), // before the range: warm-up
      ok(T + MINUTE, 5000),
      ok(T + MINUTE + 30_000, 880),
      { time: T + MINUTE + 59_999, weight: 25, status: 429 },
      ok(T + 2 * MINUTE, 5800),
      ok(T + 3 * MINUTE, 6000), // in the window the load stopped in
    ];
    const usage = windowUsage(requests, 6000, MINUTE, T + MINUTE, T + 3 * MINUTE + 20_000);
    expect(usage.windows).toEqual([
      { start: T + MINUTE, used: 5880 / 6000, counted: 5905 / 6000 },
      { start: T + 2 * MINUTE, used: 5800 / 6000, counted: 5800 / 6000 },
    ]);
    expect(usage.usedFraction).toBeCloseTo((5880 + 5800) / 12_000, 12);
    expect(usage.peakWindowFraction).toBeCloseTo(5905 / 6000, 12);
  });

  it('counts a full window with no answers as unused rather than skipping it', () => {
    const usage = windowUsage([ok(T + 10, 100)], 100, 1000, T, T + 2000);
    expect(usage.windows.map((w) => w.used)).toEqual([1, 0]);
    expect(usage.usedFraction).toBe(0.5);
  });

  it('is NaN with no full window, not 0 %', () => {
    const usage = windowUsage([ok(T + 10, 100)], 100, MINUTE, T + 1, T + MINUTE);
    expect(usage.windows).toEqual([]);
    expect(usage.usedFraction).toBeNaN();
    expect(usage.peakWindowFraction).toBe(0);
  });
});

describe('skewToLead', () => {
  it.each([0, 1, 4999, 5000, 29_999, 30_000, 54_999, 55_000, 59_999])(
    'puts server time the lead before a boundary, within half a window (local time T + %i ms)',
    (offset) => {
      const now = T + offset;
      const skew = skewToLead(now, MINUTE, 5000);
      expect(Math.abs(skew)).toBeLessThanOrEqual(MINUTE / 2);
      const server = now + skew;
      expect(Math.ceil(server / MINUTE) * MINUTE - server).toBe(5000);
    },
  );

  it('works for a shortened window and a lead of nothing', () => {
    expect(skewToLead(T + 250, 1000, 300)).toBe(450);
    expect((T + 250 + skewToLead(T + 250, 1000, 0)) % 1000).toBe(0);
  });
});
