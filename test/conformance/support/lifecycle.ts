import { afterEach } from 'vitest';

/**
 * Registers an `afterEach` that runs the returned `defer`'s functions, newest first (servers close after the clients
 * and guards that use them).
 */
export function deferredCleanups(): (cleanup: () => unknown) => void {
  let cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}
