import { describe, expect, it } from 'vitest';
import { axiosDriver as driver } from './drivers.ts';
import { burstsInOneWindow, hostClock, outcome, sleep, weightScene } from './support/hostClock.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// The common NTP step is a correction: a host that booted with its clock off (a Raspberry Pi's fake-hwclock, a VM
// restored from a snapshot, a container started before time sync) is stepped to the true time after the bot started.
// A guard that has not synced (a public-only poller) runs on the host's time, which must follow the correction (and
// a suspend's jump), moving what it kept with it; otherwise its windows straddle the exchange's: 429s, then a 418.

const defer = deferredCleanups();
const clock = hostClock();
const W = 2000;

describe("a guard that has not synced, started before NTP corrected the host's clock", () => {
  it("a public-only poller keeps its bursts within the exchange's weight windows once the clock is right", async () => {
    // The host's clock is half a window behind when the bot starts…
    clock.step(-W / 2);
    const { ex, call } = await weightScene(defer, driver, 60, W);
    expect(await outcome(call({ path: '/api/v3/ping' }))).toBe(200);
    await sleep(W);
    // …and NTP corrects it: Date.now() is the exchange's time again.
    clock.step(W / 2);
    expect(Math.abs(Date.now() - ex.now())).toBeLessThan(250);

    expect(await burstsInOneWindow(ex, call, W)).toEqual(Array(70).fill(200));
    expect(ex.count({ status: 429 }) + ex.count({ status: 418 })).toBe(0);
  });
});

// The same for a suspend, simulated as hostClockThrottle.test.ts does for a synced guard (the exchange's time and
// `Date` jump, performance.now() does not).
describe('a guard that has not synced, after a suspend and resume', () => {
  it("keeps a poller's bursts within the exchange's weight windows", async () => {
    const { ex, call } = await weightScene(defer, driver, 60, W);
    expect(await outcome(call({ path: '/api/v3/ping' }))).toBe(200);
    await sleep(W);

    ex.setSkew(W / 2);
    clock.step(W / 2);
    expect(await burstsInOneWindow(ex, call, W)).toEqual(Array(70).fill(200));
    expect(ex.count({ status: 429 }) + ex.count({ status: 418 })).toBe(0);
  });
});
