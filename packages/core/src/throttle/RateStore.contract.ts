import { expect, it } from 'vitest';
import type { RateStore, ReserveFailure, SettledCharge, WindowCharge } from './RateStore.ts';

// The behaviour every RateStore must have, as tests: MemoryRateStore.test.ts runs them, and so does every other
// store (@binance-errors/redis). Not part of the package's API: it imports vitest.

const charge = (start: number, amount: number, capacity = 10, limitKey = 'REQUEST_WEIGHT:1MINUTE'): WindowCharge => ({
  limitKey,
  start,
  end: start + 1000,
  amount,
  capacity,
});

const settled = (c: WindowCharge, extra: Partial<SettledCharge> = {}): SettledCharge => ({
  ...c,
  counted: c.amount,
  certain: true,
  serverCount: undefined,
  confirmedAtReserve: 0,
  late: false,
  ...extra,
});

/** `actual` is `expected`, give or take the ms a store's round trips take. */
function near(actual: number, expected: number): void {
  expect(Math.abs(actual - expected), `${actual} is not near ${expected}`).toBeLessThan(100);
}

async function used(store: RateStore, start: number, key = 'REQUEST_WEIGHT:1MINUTE') {
  const state = await store.getState(start);
  return state.windows.find((w) => w.limitKey === key && w.start === start)?.used ?? 0;
}

/** Declares the RateStore contract's tests inside the caller's `describe`; `create` makes an empty store. */
export function rateStoreContract(create: () => RateStore | Promise<RateStore>): void {
  it('reserves all charges or none, and reports the window that frees up last', async () => {
    const store = await create();
    expect(await store.reserve(0, [charge(0, 6), charge(1000, 6)])).toEqual({ ok: true, confirmed: [0, 0] });
    const refused = await store.reserve(0, [charge(0, 5), charge(1000, 5), charge(0, 1, 10, 'ORDERS:10SECOND')]);
    // The second window holds 6, and the 6 of the first still in flight may land in it too.
    expect(refused).toEqual({ ok: false, reason: 'limit', until: 2000, index: 1, used: 12 });
    // Nothing of the refused request was kept, not even in the window that had room.
    expect(await used(store, 0, 'ORDERS:10SECOND')).toBe(0);
    expect(await store.reserve(0, [charge(0, 4)])).toMatchObject({ ok: true });
    expect(await used(store, 0)).toBe(10);
  });

  it('never refuses a charge of nothing, even in a window others filled past its limit, and reads its count', async () => {
    const store = await create();
    const zero = charge(0, 0);
    expect(await store.reserve(0, [zero])).toMatchObject({ ok: true });
    // Its answer says others used 12 of 10: the count is taken in, and the next charge of nothing still passes.
    await store.settle([settled(zero, { serverCount: 12 })]);
    expect(await used(store, 0)).toBe(12);
    expect(await store.reserve(0, [charge(0, 0)])).toMatchObject({ ok: true });
    expect(await store.reserve(0, [charge(0, 1)])).toMatchObject({ ok: false, reason: 'limit' });
  });

  it('moves in-flight to settled, refunds what the server did not count, and releases unsent requests', async () => {
    const store = await create();
    const a = charge(0, 3);
    const b = charge(0, 4);
    await store.reserve(0, [a]);
    await store.reserve(0, [b]);
    await store.settle([settled(a, { counted: 0 })]);
    expect(await used(store, 0)).toBe(4);
    await store.release([b]);
    expect(await used(store, 0)).toBe(0);
  });

  it('learns others’ usage from the newest server count, and takes an older count’s request out of it', async () => {
    const store = await create();
    const a = charge(0, 1);
    const b = charge(0, 1);
    await store.reserve(0, [a]);
    await store.reserve(0, [b]);
    // b's response says 8: 8 − its own 1 − nothing reported before it = 7 belong to someone else (or to a).
    await store.settle([settled(b, { serverCount: 8 })]);
    expect(await used(store, 0)).toBe(1 + 1 + 7);
    // a's response arrives later with an older count, 3: a is inside the 8, so 6 are someone else's.
    await store.settle([settled(a, { serverCount: 3 })]);
    expect(await used(store, 0)).toBe(2 + 6);
    expect(await store.reserve(0, [charge(0, 2)])).toMatchObject({ ok: true });
    expect(await store.reserve(0, [charge(0, 1)])).toEqual({
      ok: false,
      reason: 'limit',
      until: 1000,
      index: 0,
      used: 10,
    });
  });

  it('counts a burst of concurrent requests once, whatever order their answers come in', async () => {
    for (const order of [
      [0, 1, 2, 3, 4],
      [4, 3, 2, 1, 0],
      [2, 0, 4, 1, 3],
    ]) {
      const store = await create();
      // Five requests of 2 reserved before any answer: the server counted them 2, 4, … 10, with 5 of others' before.
      const burst = Array.from({ length: 5 }, () => charge(0, 2, 100));
      for (const c of burst) await store.reserve(0, [c]);
      for (const i of order) await store.settle([settled(burst[i]!, { serverCount: 5 + 2 * (i + 1) })]);
      expect(await used(store, 0), `answers in the order ${order}`).toBe(15);
    }
  });

  it('replaces the estimate with a newer count that shows less foreign usage', async () => {
    const store = await create();
    const a = charge(0, 1, 100);
    await store.reserve(0, [a]);
    await store.settle([settled(a, { serverCount: 50 })]);
    expect(await used(store, 0)).toBe(50);
    const b = charge(0, 1, 100);
    const r = await store.reserve(0, [b]);
    expect(r).toEqual({ ok: true, confirmed: [1] });
    // The newer count 52 = 1 (a) + 1 (b) + 50 foreign... since a was confirmed before b, foreign = 52 − 1 − 1 = 50.
    await store.settle([settled(b, { serverCount: 52, confirmedAtReserve: 1 })]);
    expect(await used(store, 0)).toBe(52);
  });

  it('counts the previous window’s requests not yet answered in the next window, until they are', async () => {
    const store = await create();
    const early = charge(0, 6);
    await store.reserve(0, [early]);
    // Released in the first window, it may still leave the process (and reach the server) in the second.
    expect(await store.reserve(1000, [charge(1000, 5)])).toEqual({
      ok: false,
      reason: 'limit',
      until: 2000,
      index: 0,
      used: 6,
    });
    expect(await store.reserve(1000, [charge(1000, 4)])).toMatchObject({ ok: true });
    // Answered in time: it landed in the first window, and the second has room again.
    await store.settle([settled(early)]);
    expect(await store.reserve(1000, [charge(1000, 5)])).toMatchObject({ ok: true });
    expect(await used(store, 1000)).toBe(9);
  });

  it('counts a request charged to both windows once in the next, while it is in flight and after', async () => {
    const store = await create();
    // Released near the first window's end, it may arrive in either window, and is charged to both.
    const straddling = [{ ...charge(0, 6), straddles: true }, charge(1000, 6)];
    await store.reserve(900, straddling);
    // The second window counts it in its own inFlight: not carried there from the first as well.
    expect(await store.reserve(1000, [charge(1000, 5)])).toMatchObject({ ok: false, reason: 'limit', used: 6 });
    expect(await store.reserve(1000, [charge(1000, 4)])).toMatchObject({ ok: true });
    // Answered in time: it landed in the first window, and the second has room again.
    await store.settle([settled(straddling[0]!), settled(straddling[1]!, { counted: 0, certain: false })]);
    expect(await store.reserve(1000, [charge(1000, 6)])).toMatchObject({ ok: true });
    expect(await store.reserve(1000, [charge(1000, 1)])).toMatchObject({ ok: false, reason: 'limit', used: 10 });
    // One released unsent leaves nothing behind: the third window carries the second's 10 in flight, no less.
    const unsent = [{ ...charge(1000, 2, 20), straddles: true }, charge(2000, 2, 20)];
    await store.reserve(1900, unsent);
    await store.release(unsent);
    expect(await store.reserve(2000, [charge(2000, 1)])).toMatchObject({ ok: false, reason: 'limit', used: 10 });
  });

  it('counts a request answered after its window ended in the next window as well', async () => {
    const store = await create();
    const a = charge(0, 6);
    await store.reserve(0, [a]);
    // Its answer came after the window's end: it may have reached the server in either window.
    await store.settle([settled(a, { certain: false, late: true })]);
    expect(await used(store, 0)).toBe(6);
    expect(await store.reserve(1000, [charge(1000, 5)])).toMatchObject({ ok: false, reason: 'limit', used: 6 });
    expect(await store.reserve(1000, [charge(1000, 4)])).toMatchObject({ ok: true });
  });

  it("refuses during a pause and a ban, and answers their ends on the caller's clock", async () => {
    const store = await create();
    // Any clock will do: a store shared by processes keeps the time left, which their clocks agree on. No time passes
    // here for the memory store; a shared one may see a few ms go by, hence `near`.
    const at = 1_000_000;
    await store.setPause(at + 500, at);
    const paused = await store.reserve(at, [charge(at, 1)]);
    expect(paused).toMatchObject({ ok: false, reason: 'pause' });
    near((paused as ReserveFailure).until, at + 500);
    await store.setBan(at + 2000, at);
    await store.setBan(at + 1500, at);
    const banned = await store.reserve(at, [charge(at, 1)]);
    expect(banned).toMatchObject({ ok: false, reason: 'ban' });
    near((banned as ReserveFailure).until, at + 2000);
    const state = await store.getState(at);
    near(state.pausedUntil, at + 500);
    near(state.bannedUntil, at + 2000);
  });

  it('forgets windows long past and ignores settles for them', async () => {
    const store = await create();
    const old = charge(0, 5);
    await store.reserve(0, [old]);
    await store.reserve(200_000, [charge(200_000, 1)]);
    expect((await store.getState(0)).windows.map((w) => w.start)).toEqual([200_000]);
    await store.settle([settled(old)]);
    expect((await store.getState(0)).windows).toHaveLength(1);
  });
}
