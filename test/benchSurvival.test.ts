import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { survivedBytesPerRequest } from '../bench/lib/gc.ts';

/** Where a request's objects go when nothing keeps them: each replaces the last. */
let latest: unknown;

/**
 * A request's objects, about 8 kB of them, as JSON.parse makes them: V8 gives objects made by literals an allocation
 * site, and one whose objects keep surviving gets them made in the old generation straight away, where no scavenge
 * copies them (which the bench's figure does not count, and this test would then not see).
 */
const BODY = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ id: i, price: '0.00012345', qty: [i, i + 1] })));

/** A "request" that allocates its objects, keeping them alive in `kept` or letting them go at once. */
function request(kept?: unknown[]): void {
  const objects: unknown = JSON.parse(BODY);
  if (kept) kept.push(objects);
  else latest = objects;
}

/** One such request, then a turn of the event loop, as a real request's answer takes. */
const requestOf = (kept?: unknown[]) => async () => {
  request(kept);
  // A long-lived store that keeps growing would take the whole heap: it lets go of the oldest now and then.
  if (kept && kept.length > 20_000) kept.splice(0, 10_000);
  await tick();
};

describe("B1's bytes surviving a scavenge", () => {
  it('counts what requests keep alive across a young-generation collection, and not what dies young', async () => {
    const kept: unknown[] = [];
    // The same allocation either way: only whether it lives on differs.
    const dying = await survivedBytesPerRequest(requestOf(), 8, 4);
    const living = await survivedBytesPerRequest(requestOf(kept), 8, 4);
    // Each request's objects (about 8 kB) all survive their first scavenge; of those that die young, a scavenge finds
    // only the latest, and what the test runner itself keeps.
    expect(living).toBeGreaterThan(3000);
    expect(dying).toBeGreaterThanOrEqual(0);
    expect(dying).toBeLessThan(living / 5);
    expect(latest).toBeDefined();
  });
});
