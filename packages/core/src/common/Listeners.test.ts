import { describe, expect, it } from 'vitest';
import { Listeners } from './Listeners.ts';

describe('Listeners', () => {
  it('calls every listener until its disposer removes it', () => {
    const listeners = new Listeners<number>();
    const seen: number[] = [];
    const off = listeners.on((n) => seen.push(n));
    listeners.on((n) => seen.push(n * 10));
    listeners.emit(1);
    off();
    off();
    listeners.emit(2);
    expect(seen).toEqual([1, 10, 20]);
    expect(listeners.size).toBe(1);
  });

  it('goes on to the next listener when one throws, and refuses a listener that is not a function', () => {
    const listeners = new Listeners<string>();
    const seen: string[] = [];
    listeners.on(() => {
      throw new Error('listener bug');
    });
    listeners.on((s) => seen.push(s));
    expect(() => listeners.emit('event')).not.toThrow();
    expect(seen).toEqual(['event']);
    expect(() => listeners.on('nope' as never)).toThrow(/listener must be a function, got "nope"/);
  });

  it('observes an async listener that rejects: no unhandled rejection, which would crash the process', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const listeners = new Listeners<string>();
      listeners.on(async () => {
        throw new Error('async listener bug');
      });
      listeners.emit('event');
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
