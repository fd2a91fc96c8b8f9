import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServerClock } from './ServerClock.ts';

/** A virtual timeline: local monotonic time, a wall clock that can jump, a server clock with a skew. */
function timeline(skew: number) {
  let mono = 1_000;
  let wallJump = 0;
  let suspended = 0;
  const epoch = 1_700_000_000_000;
  return {
    mono: () => mono,
    wall: () => epoch + mono + wallJump + suspended,
    server: () => epoch + mono + skew + suspended,
    advance: (ms: number) => {
      mono += ms;
    },
    jumpWall: (ms: number) => {
      wallJump += ms;
    },
    /** Time passes for the wall clock and the server, not for the monotonic clock (a suspend, on Linux). */
    suspend: (ms: number) => {
      suspended += ms;
    },
  };
}

/** fetchServerTime over the timeline with the given one-way latencies per sample. */
function fakeTime(t: ReturnType<typeof timeline>, latencies: Array<[out: number, back: number]>) {
  let i = 0;
  return async () => {
    const [out, back] = latencies[i++ % latencies.length]!;
    t.advance(out);
    const serverTime = Math.floor(t.server());
    t.advance(back);
    return serverTime;
  };
}

/** A clock over `t` syncing on one sample, that counts its fetches and records the steps it reports. */
function watchedClock(t: ReturnType<typeof timeline>) {
  let fetches = 0;
  const fetch = fakeTime(t, [[2, 2]]);
  const clock = new ServerClock({
    fetchServerTime: () => {
      fetches++;
      return fetch();
    },
    monoNow: t.mono,
    wallNow: t.wall,
    samples: 1,
    resyncIntervalMs: 0,
  });
  const steps: number[] = [];
  clock.onStep((ms) => steps.push(ms));
  return { clock, steps, fetches: () => fetches };
}

describe('ServerClock', () => {
  it('uses the midpoint of the lowest-RTT sample', async () => {
    const t = timeline(5000);
    const clock = new ServerClock({
      fetchServerTime: fakeTime(t, [
        [100, 10],
        [5, 5],
        [30, 200],
      ]),
      monoNow: t.mono,
      wallNow: t.wall,
      resyncIntervalMs: 0,
    });
    await clock.ensureSynced();
    expect(clock.uncertaintyMs).toBe(6);
    expect(Math.abs(clock.now() - t.server())).toBeLessThanOrEqual(clock.uncertaintyMs);
    expect(clock.snapshot().samples.map((s) => s.rttMs)).toEqual([110, 10, 230]);
  });

  it('shares one sync among many concurrent callers', async () => {
    const t = timeline(0);
    let calls = 0;
    const clock = new ServerClock({
      fetchServerTime: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 5));
        return t.server();
      },
      monoNow: t.mono,
      samples: 3,
      resyncIntervalMs: 0,
    });
    await Promise.all(Array.from({ length: 50 }, () => clock.ensureSynced()));
    expect(calls).toBe(3);
    await Promise.all(Array.from({ length: 50 }, () => clock.resync()));
    expect(calls).toBe(6);
  });

  it('resyncs after a -1021 only when no sync completed since the request was stamped', async () => {
    let fetches = 0;
    const clock = new ServerClock({
      fetchServerTime: async () => {
        fetches++;
        return 1_700_000_000_000;
      },
      samples: 1,
      resyncIntervalMs: 0,
    });
    await clock.ensureSynced();
    const stampedAt = clock.syncs;
    // The first -1021 answer resyncs; answers that arrive after that sync ended find the clock fresh already.
    await clock.resyncSince(stampedAt);
    await clock.resyncSince(stampedAt);
    await Promise.all([clock.resyncSince(stampedAt), clock.resyncSince(stampedAt)]);
    expect(fetches).toBe(2);
    await clock.resyncSince(clock.syncs);
    expect(fetches).toBe(3);
  });

  it('keeps time monotonic when the local wall clock jumps', async () => {
    const t = timeline(-3000);
    const clock = new ServerClock({
      fetchServerTime: fakeTime(t, [[2, 2]]),
      monoNow: t.mono,
      wallNow: t.wall,
      resyncIntervalMs: 0,
    });
    await clock.ensureSynced();
    const before = clock.stamp();
    t.jumpWall(-3_600_000);
    t.advance(10);
    expect(clock.stamp()).toBe(before + 10);
  });

  it('runs on the host clock as it read at the start until the first sync: a wall-clock step does not move it', () => {
    const t = timeline(0);
    const clock = new ServerClock({ fetchServerTime: async () => t.server(), monoNow: t.mono, wallNow: t.wall });
    const before = clock.now();
    expect(before).toBe(t.wall());
    t.jumpWall(120_000);
    t.advance(10);
    expect(clock.now()).toBe(before + 10);
    t.jumpWall(-3_600_000);
    expect(clock.now()).toBe(before + 10);
  });

  it("tells onStep listeners how far the first sync moves the time now() runs on: the host clock's error", async () => {
    // The host runs an hour ahead of the server.
    const t = timeline(-3_600_000);
    const { clock, steps } = watchedClock(t);
    const order: string[] = [];
    clock.onStep(() => order.push('step'));
    clock.onSync(() => order.push('sync'));
    await clock.ensureSynced();
    expect(steps[0]).toBeCloseTo(-3_600_000, -1);
    // A resync corrects an estimate of the same time: nothing kept on it moves.
    t.advance(60_000);
    await clock.resync();
    expect(order).toEqual(['step', 'sync', 'sync']);
  });

  it('before the first sync, follows a step of the wall clock and reports it', async () => {
    const t = timeline(250);
    const { clock, steps, fetches } = watchedClock(t);
    const before = clock.now();
    t.jumpWall(-3_600_000);
    // Reported a turn later, with the time it moves: the read that notices still reads the old one.
    expect(clock.now() - before).toBeLessThan(10);
    await Promise.resolve();
    expect(steps).toEqual([-3_600_000]);
    expect(clock.now() - before).toBeCloseTo(-3_600_000, -1);
    expect(fetches()).toBe(0);
  });

  it('moves the estimate and resyncs once when the wall clock jumps ahead of the monotonic clock (a suspend)', async () => {
    const t = timeline(250);
    const { clock, steps, fetches } = watchedClock(t);
    await clock.ensureSynced();
    t.advance(1000);
    clock.now();
    await Promise.resolve();
    expect(fetches()).toBe(1);

    t.suspend(30_000);
    // The read that notices moves the estimate on at once; the resync confirms it. Neither is a step: what was kept
    // on the server's time stays where it is.
    expect(Math.abs(clock.now() - t.server())).toBeLessThanOrEqual(clock.uncertaintyMs);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(fetches()).toBe(2);
    expect(steps).toHaveLength(1);
    expect(Math.abs(clock.now() - t.server())).toBeLessThanOrEqual(clock.uncertaintyMs);
  });

  it('goes on with its estimate when the resync after a step fails, as after a failed periodic one', async () => {
    const t = timeline(250);
    let down = false;
    const fetch = fakeTime(t, [[2, 2]]);
    const clock = new ServerClock({
      fetchServerTime: () => (down ? Promise.reject(new Error('time endpoint down')) : fetch()),
      monoNow: t.mono,
      wallNow: t.wall,
      samples: 1,
      resyncIntervalMs: 0,
    });
    await clock.ensureSynced();
    down = true;
    t.jumpWall(5000);
    clock.now();
    expect(clock.fresh).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(clock.fresh).toBe(true);
    await expect(clock.ensureSynced()).resolves.toBeUndefined();
  });

  it('only resyncs when the wall clock steps back: the estimate never followed it', async () => {
    const t = timeline(250);
    const { clock, steps, fetches } = watchedClock(t);
    await clock.ensureSynced();
    t.jumpWall(-3_600_000);
    clock.now();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(fetches()).toBe(2);
    expect(steps).toHaveLength(1);
    expect(Math.abs(clock.now() - t.server())).toBeLessThanOrEqual(clock.uncertaintyMs);
  });

  it('resyncs periodically', async () => {
    const t = timeline(0);
    let tick: (() => void) | undefined;
    let calls = 0;
    const clock = new ServerClock({
      fetchServerTime: async () => {
        calls++;
        return t.server();
      },
      monoNow: t.mono,
      samples: 1,
      resyncIntervalMs: 60_000,
      timers: { setInterval: (fn) => (tick = fn), clearInterval: () => (tick = undefined) },
    });
    await clock.ensureSynced();
    tick?.();
    await Promise.resolve();
    expect(calls).toBe(2);
    clock.close();
    expect(tick).toBeUndefined();
  });

  it('rejects bad options with a message naming them', () => {
    expect(() => new ServerClock({ fetchServerTime: async () => 0, samples: 0 })).toThrow(/clock.samples/);
    expect(() => new ServerClock({} as never)).toThrow(/fetchServerTime/);
    for (const resyncIntervalMs of [Number.POSITIVE_INFINITY, 2 ** 31, 30 * 86_400_000]) {
      expect(() => new ServerClock({ fetchServerTime: async () => 0, resyncIntervalMs })).toThrow(
        /clock.resyncIntervalMs .*2\^31-1/,
      );
    }
  });

  it('stamps every request inside the server rules after the first sync, for any skew and latencies (property)', async () => {
    const latency = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -3_600_000, max: 3_600_000 }),
        fc.array(latency, { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 0, max: 200 })), {
          minLength: 1,
          maxLength: 20,
        }),
        async (skew, sampleLatencies, sends) => {
          const t = timeline(skew);
          const clock = new ServerClock({
            fetchServerTime: fakeTime(t, sampleLatencies),
            monoNow: t.mono,
            wallNow: t.wall,
            samples: sampleLatencies.length,
            resyncIntervalMs: 0,
          });
          await clock.ensureSynced();
          for (const [wait, oneWay] of sends) {
            t.advance(wait);
            const stamp = clock.stamp();
            const arrival = t.server() + oneWay;
            // Binance: timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow.
            expect(stamp).toBeLessThan(arrival + 1000);
            expect(arrival - stamp).toBeLessThanOrEqual(5000);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
