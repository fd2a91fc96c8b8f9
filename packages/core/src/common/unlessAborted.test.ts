import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { unlessAborted } from './unlessAborted.ts';

describe('unlessAborted', () => {
  it('settles as the promise does while the signal stays quiet, and stops listening to it', async () => {
    const controller = new AbortController();
    await expect(unlessAborted(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    await expect(unlessAborted(Promise.reject(new Error('sync failed')), controller.signal)).rejects.toThrow(
      'sync failed',
    );
    // Nothing is left listening to a signal that may live far longer than the wait (a whole session's).
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it("rejects with the signal's reason as soon as it aborts, while the promise goes on", async () => {
    const controller = new AbortController();
    let finish!: (v: string) => void;
    const work = new Promise<string>((resolve) => {
      finish = resolve;
    });
    const waiting = unlessAborted(work, controller.signal);
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    finish('synced');
    await expect(work).resolves.toBe('synced');
  });

  it('rejects at once for a signal aborted already, and passes the promise through without one', async () => {
    const reason = new Error('already');
    await expect(unlessAborted(new Promise(() => {}), AbortSignal.abort(reason))).rejects.toBe(reason);
    const promise = Promise.resolve(1);
    expect(unlessAborted(promise, undefined)).toBe(promise);
  });

  it('leaves no rejection unheard when the work it no longer waits for fails later', async () => {
    const unheard: unknown[] = [];
    const onUnhandled = (reason: unknown) => unheard.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let fail!: (e: Error) => void;
      const work = new Promise<never>((_, reject) => {
        fail = reject;
      });
      await expect(unlessAborted(work, AbortSignal.abort())).rejects.toBeDefined();
      fail(new Error('the sync failed with no caller left'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unheard).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
