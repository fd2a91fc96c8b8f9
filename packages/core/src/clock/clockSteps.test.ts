import { describe, expect, it } from 'vitest';
import { WeightLimiter } from '../throttle/WeightLimiter.ts';
import { ServerClock } from './ServerClock.ts';

// The wiring BinanceGuard does (`clock.onStep((ms) => limiter.clockStepped(ms))`), on injected clocks: the server and
// the monotonic clock keep real time, and NTP steps the host's wall clock forward 150 ms (ntpd steps any offset past
// 128 ms by default). Taken for a suspend, the jump moves the estimate and a resync corrects it; what the limiter
// counted must not move, or each move carries the window's usage into two windows and it is counted twice.

describe('ServerClock + WeightLimiter, when NTP steps the wall clock forward 150 ms', () => {
  it('counts the usage of the current window once', async () => {
    const epoch = 1_800_000_000_000;
    let mono = 10_000; // 10 s into a 60 s window
    let wallStep = 0;
    const clock = new ServerClock({
      fetchServerTime: async () => epoch + mono,
      monoNow: () => mono,
      wallNow: () => epoch + mono + wallStep,
      samples: 1,
      resyncIntervalMs: 0,
    });
    const limiter = new WeightLimiter({
      limits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100 }],
      serverNow: () => clock.now(),
      maxWaitMs: 0,
    });
    clock.onStep((ms) => limiter.clockStepped(ms));
    await clock.ensureSynced();
    const permit = await limiter.acquire({ weight: 60 });
    await limiter.settle(permit, { status: 200 });
    expect(limiter.snapshot().limits[0]!.used).toBe(60);

    mono += 1000;
    wallStep = 150;
    clock.now();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await clock.resync();

    expect(limiter.snapshot().limits[0]!.used).toBe(60);
    // 60 + 30 fits in 98.
    await expect(limiter.acquire({ weight: 30 })).resolves.toBeDefined();
  });
});
