import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServerClock } from './ServerClock.ts';

/** A virtual timeline: local monotonic time, a wall clock that can jump, a server clock with a skew. */
function timeline(skew: number) {
  let mono = 1_000;
  let wallJump = 0;
  const epoch = 1_700_000_000_000;
  return {
    mono: () => mono,
    wall: () => epoch + mono + wallJump,
    server: () => epoch + mono + skew,
    advance: (ms: number) => {
      mono += ms;
    },
    jumpWall: (ms: number) => {
      wallJump += ms;
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
