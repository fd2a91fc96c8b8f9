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

  it('answers peekState synchronously with what getState resolves to', async () => {
    const store = new MemoryRateStore();
    await store.reserve(0, [{ limitKey: 'REQUEST_WEIGHT:1MINUTE', start: 0, end: 1000, amount: 3, capacity: 10 }]);
    await store.setBan(2000);
    expect(store.peekState(0)).toEqual(await store.getState(0));
    expect(store.peekState(0)).toMatchObject({ bannedUntil: 2000, windows: [{ used: 3, inFlight: 3 }] });
  });
});
