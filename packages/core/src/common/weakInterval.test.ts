import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { weakInterval } from './weakInterval.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Timers that fire by hand: `fire()` runs the interval's callback, as the host would after `ms`. */
function manualTimers() {
  const armed = new Map<symbol, () => void>();
  return {
    setInterval: (fn: () => void) => {
      const handle = Symbol('interval');
      armed.set(handle, fn);
      return handle;
    },
    clearInterval: (handle: unknown) => {
      armed.delete(handle as symbol);
    },
    fire: () => {
      for (const fn of [...armed.values()]) fn();
    },
    get armed() {
      return armed.size;
    },
  };
}

const count = (owner: { ticks: number }) => {
  owner.ticks++;
};

describe('weakInterval', () => {
  it('ticks with its owner while the owner lives, until stopped', () => {
    const timers = manualTimers();
    const owner = { ticks: 0 };
    const stop = weakInterval(owner, 1000, count, timers);
    timers.fire();
    timers.fire();
    expect(owner.ticks).toBe(2);
    stop();
    expect(timers.armed).toBe(0);
  });

  it('does not keep its owner alive, and clears itself on the first tick after the owner is collected', async () => {
    const timers = manualTimers();
    const ticks: number[] = [];
    const owned = (() => {
      const owner = { ticks: 0 };
      weakInterval(owner, 1000, (o) => ticks.push(++o.ticks), timers);
      return new WeakRef(owner);
    })();
    timers.fire();
    expect(ticks).toEqual([1]);
    // A WeakRef keeps its target until the turn it was read in ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(owned.deref()).toBeUndefined();
    expect(timers.armed).toBe(1);
    timers.fire();
    expect(ticks).toEqual([1]);
    expect(timers.armed).toBe(0);
  });

  it("unrefs the host's interval, which does not hold the process open", () => {
    let handle: ReturnType<typeof setInterval> | undefined;
    const stop = weakInterval({}, 60_000, () => {}, {
      setInterval: (fn, ms) => {
        handle = setInterval(fn, ms);
        return handle;
      },
      clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
    });
    expect(handle?.hasRef()).toBe(false);
    stop();
  });
});
