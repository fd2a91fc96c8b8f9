import { describe, expect, it } from 'vitest';
import { MemoryRateStore } from './MemoryRateStore.ts';
import { rateStoreContract } from './RateStore.contract.ts';

describe('MemoryRateStore', () => {
  rateStoreContract(() => new MemoryRateStore());

  it('answers peekState synchronously with what getState resolves to', async () => {
    const store = new MemoryRateStore();
    await store.reserve(0, [{ limitKey: 'REQUEST_WEIGHT:1MINUTE', start: 0, end: 1000, amount: 3, capacity: 10 }]);
    await store.setBan(2000);
    expect(store.peekState(0)).toEqual(await store.getState(0));
    expect(store.peekState(0)).toMatchObject({ bannedUntil: 2000, windows: [{ used: 3, inFlight: 3 }] });
  });
});
