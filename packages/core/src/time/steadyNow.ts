import { performance } from 'node:perf_hooks';

/** `Date.now()` when this module loaded, less the monotonic clock's reading then. */
const origin = Date.now() - performance.now();

/**
 * The host's time in ms since the epoch, as the wall clock read it when the process started, advanced by the
 * monotonic clock since. A step of the wall clock (NTP, an admin, a VM's clock set on resume) does not move it, so
 * a duration measured on it is the time that passed; what the wall clock says now may differ by the steps since.
 */
export function steadyNow(): number {
  // `performance` from node:perf_hooks: the global one is an accessor, a getter call on every read.
  return origin + performance.now();
}
