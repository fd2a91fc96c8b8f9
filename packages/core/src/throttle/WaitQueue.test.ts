import { describe, expect, it } from 'vitest';
import type { Claim } from './Slot.ts';
import { type ServeResult, Waiter, WaitQueue, type WaitQueueHost } from './WaitQueue.ts';

const claim: Claim = { weight: 1, orders: 0, ordersByInterval: undefined, budget: 'api', group: undefined };

/** A queue whose host grants (resolves) every waiter it is asked to serve, recording the order. */
function queueServing(decide: (w: Waiter, isCancel: boolean) => ServeResult | 'hold' = () => 'next') {
  const served: string[] = [];
  const timers: number[] = [];
  let queue: WaitQueue;
  const host: WaitQueueHost = {
    timers: { setTimeout: (_fn, ms) => timers.push(ms), clearTimeout: () => undefined },
    now: () => 1000,
    pauseResumeAt: () => 0,
    serve: async (w, isCancel) => {
      served.push(w.label!);
      const result = decide(w, isCancel);
      if (result === 'hold') return 'next';
      queue.finish(w);
      w.resolve({} as never);
      return result;
    },
  };
  queue = new WaitQueue(host, 1);
  return { queue, served, timers };
}

const waiter = (label: string) => new Waiter({ weight: 1, label }, claim, 1000, 60_000);

describe('WaitQueue', () => {
  it('serves cancels before normal requests, each in arrival order, and counts what waits', async () => {
    const { queue, served } = queueServing();
    // Queue three before the first pass runs: add() starts a pass, so hold it with one already pumping.
    const pass = queue.pump();
    queue.add(waiter('n1'), false);
    queue.add(waiter('c1'), true);
    queue.add(waiter('n2'), false);
    await pass;
    await queue.pump();
    expect(served).toEqual(['c1', 'n1', 'n2']);
    expect(queue.size).toBe(0);
  });

  it('sleeps until the earliest time a full limit frees up, and fails every waiter on failAll', async () => {
    const { queue, timers } = queueServing(() => 'hold');
    const w = waiter('held');
    const outcome = new Promise((resolve) => {
      w.reject = resolve;
    });
    queue.block(0, 4000, 7, false);
    expect(queue.blockingSlot(1000, false, () => true)).toEqual({ slot: 0, until: 4000 });
    expect(queue.blockingSlot(1000, true, () => true)).toBeUndefined();
    expect(queue.blockedUsed(0)).toBe(7);
    queue.add(w, false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers.at(-1)).toBe(3000);
    expect(queue.size).toBe(1);
    queue.failAll(() => 'closed');
    expect(await outcome).toBe('closed');
    expect(queue.size).toBe(0);
    queue.capacityChanged();
    expect(queue.blockingSlot(1000, false, () => true)).toBeUndefined();
  });
});
