import { describe, expect, it } from 'vitest';
import {
  EDGE_GUARD_CEILING_MS,
  EDGE_GUARD_FLOOR_MS,
  EDGE_GUARD_INITIAL_MS,
  EDGE_GUARD_MIN_SAMPLES,
  EdgeGuard,
} from './EdgeGuard.ts';

const observeMany = (guard: EdgeGuard, rttMs: number, n: number) => {
  for (let i = 0; i < n; i++) guard.observe(rttMs);
};

describe('EdgeGuard', () => {
  it('keeps a value the user set, whatever it is shown', () => {
    const guard = new EdgeGuard(30);
    observeMany(guard, 2000, 300);
    expect(guard.ms).toBe(30);
    expect(guard.fixed).toBe(true);
  });

  it('stays at the initial value until enough round trips are known, then follows them', () => {
    const guard = new EdgeGuard(undefined);
    expect(guard.ms).toBe(EDGE_GUARD_INITIAL_MS);
    observeMany(guard, 100, EDGE_GUARD_MIN_SAMPLES - 1);
    expect(guard.ms).toBe(EDGE_GUARD_INITIAL_MS);
    guard.observe(100);
    // One round trip plus the clock's error (half of one), plus 1 ms.
    expect(guard.ms).toBe(151);
  });

  it('rises above the initial value at once on a link slower than it covers', () => {
    const guard = new EdgeGuard(undefined);
    guard.observe(800);
    expect(guard.ms).toBe(1201);
  });

  it('widens at once when a round trip needs more, and narrows again when the percentile is recomputed', () => {
    const guard = new EdgeGuard(undefined);
    observeMany(guard, 100, 100);
    expect(guard.ms).toBe(151);
    // A machine under load answers late: the very next request is charged with the wider guard.
    guard.observe(400);
    expect(guard.ms).toBe(601);
    // One late answer among hundreds is not the 99th percentile: it is dropped at the next recompute (32 trips).
    observeMany(guard, 100, 31);
    expect(guard.ms).toBe(151);
  });

  it('follows the 99th percentile of the recent round trips, not the median', () => {
    const guard = new EdgeGuard(undefined);
    // 240 fast trips and 16 slow ones (6 %): the 99th percentile is a slow one.
    for (let i = 0; i < 256; i++) guard.observe(i % 16 === 0 ? 300 : 20);
    expect(guard.ms).toBe(451);
    // Load goes away: once the slow trips leave the last 256, the guard comes down to the floor.
    observeMany(guard, 20, 256);
    expect(guard.ms).toBe(EDGE_GUARD_FLOOR_MS);
  });

  it('keeps between the floor and the ceiling', () => {
    const fast = new EdgeGuard(undefined);
    observeMany(fast, 0.2, 50);
    expect(fast.ms).toBe(EDGE_GUARD_FLOOR_MS);
    const stuck = new EdgeGuard(undefined);
    stuck.observe(60_000);
    expect(stuck.ms).toBe(EDGE_GUARD_CEILING_MS);
  });

  it('ignores values that are not a round trip', () => {
    const guard = new EdgeGuard(undefined);
    for (const bad of [Number.NaN, -5, Number.POSITIVE_INFINITY]) guard.observe(bad);
    expect(guard.samples).toBe(0);
    expect(guard.ms).toBe(EDGE_GUARD_INITIAL_MS);
  });
});
