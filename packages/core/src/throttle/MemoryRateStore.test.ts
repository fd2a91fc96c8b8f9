import { describe, expect, it } from 'vitest';
import { MemoryRateStore } from './MemoryRateStore.ts';
import { rateStoreContract } from './RateStore.contract.ts';
import type { WindowCharge } from './RateStore.ts';

const charge = (start: number, amount: number): WindowCharge => ({
  limitKey: 'REQUEST_WEIGHT:1MINUTE',
  start,
  end: start + 1000,
  amount,
  capacity: 10,
});

describe('MemoryRateStore', () => {
  rateStoreContract(() => new MemoryRateStore());

  it("ends a pause and a ban when the caller's clock reaches them, judged by the earliest arrival time", async () => {
    const store = new MemoryRateStore();
    await store.setPause(500);
    expect(await store.reserve(499, [charge(0, 1)])).toEqual({ ok: false, reason: 'pause', until: 500 });
    expect(await store.reserve(500, [charge(0, 1)])).toMatchObject({ ok: true });
    await store.setBan(2000);
    await store.setBan(1500);
    expect(await store.reserve(1999, [charge(1000, 1)])).toEqual({ ok: false, reason: 'ban', until: 2000 });
    expect(await store.reserve(2000, [charge(2000, 1)])).toMatchObject({ ok: true });
  });

  it("carries its pause, ban and windows across a step of the caller's clock", async () => {
    const store = new MemoryRateStore();
    const T = 1_000_000;
    await store.reserve(T, [charge(T, 4)]);
    await store.reserve(T + 1000, [charge(T + 1000, 3)]);
    await store.setPause(T + 1500);
    await store.setBan(T + 1200);
    // A step of whole windows moves each window's usage to one window.
    store.shift(-5000);
    const back = store.peekState(0);
    expect(back).toMatchObject({ pausedUntil: T - 3500, bannedUntil: T - 3800 });
    expect(back.windows.map((w) => [w.start - T, w.used, w.foreign])).toEqual([
      [-5000, 4, 4],
      [-4000, 3, 3],
    ]);
    // Any other step: the usage may have been counted in either window the old one overlaps.
    store.shift(5250);
    expect(store.peekState(0).windows.map((w) => [w.start - T, w.used])).toEqual([
      [0, 4],
      [1000, 7],
      [2000, 3],
    ]);
    // A store with nothing to carry stays empty, and a pause or ban it never had stays away.
    const empty = new MemoryRateStore();
    empty.shift(-3_600_000);
    expect(empty.peekState(0)).toEqual({ pausedUntil: 0, bannedUntil: 0, windows: [] });
  });

  it('answers peekState synchronously with what getState resolves to', async () => {
    const store = new MemoryRateStore();
    await store.reserve(0, [{ limitKey: 'REQUEST_WEIGHT:1MINUTE', start: 0, end: 1000, amount: 3, capacity: 10 }]);
    await store.setBan(2000);
    expect(store.peekState(0)).toEqual(await store.getState(0));
    expect(store.peekState(0)).toMatchObject({ bannedUntil: 2000, windows: [{ used: 3, inFlight: 3 }] });
  });
});
