import { BinanceGuard } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import { describe, expect, it } from 'vitest';
import { drivers } from './drivers.ts';
import { guardLimits, weightLimit } from './support/hostClock.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// A cancel goes ahead of queued requests, so exposure can be reduced while a backlog of reads waits for budget. A
// signed call first waits for the clock's sync (the first one, or a resync after -1021): if the sync's /time samples
// queued behind the backlog, the cancel would wait for every read ahead of it, minutes on Binance's 1-minute windows.
// With the samples first, a cancel lands at most two windows after the one it is called in, however long the
// backlog: the sync (or the -1021 and its resync) may take the next, and the reads waiting at the start of the one
// after may take its budget before the cancel asks for it.

const KEY = 'backlog-cancel-key-0123456789abcdef0123456';
const SECRET = 'backlog-cancel-secret-0123456789abcdef012';
const WINDOW_MS = 1000;
const READS = 50; // order-book reads of weight 5: 11 a window (58 of 60 at 98 %), a backlog of 5 windows
const DEPTH = { path: '/api/v3/depth', params: { symbol: 'BTCUSDT', limit: '100' } } as const;
const CANCEL = { method: 'DELETE', path: '/api/v3/order', params: { symbol: 'BTCUSDT', orderId: '1' } } as const;

const defer = deferredCleanups();

const cases = [
  { scene: "the clock's first sync", skewAfterSync: undefined },
  { scene: 'a resync after -1021', skewAfterSync: -5000 },
] as const;

describe('a cancel behind a backlog of reads', () => {
  describe.each(drivers)('$name', (driver) => {
    it.each(cases)('goes ahead of the backlog, $scene included', async ({ skewAfterSync }) => {
      const ex = await createFakeExchange({
        accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '1000' } }],
        rateLimits: [weightLimit(60, WINDOW_MS)],
      });
      defer(() => ex.close());
      const guard = new BinanceGuard(ex.url, { throttle: { ...guardLimits(60, WINDOW_MS), maxWaitMs: 30_000 } });
      defer(() => guard.close());
      const call = driver.create(ex.url, { guard, apiKey: KEY, apiSecret: SECRET });
      if (skewAfterSync !== undefined) {
        await call({ path: '/api/v3/account' });
        // The server's clock steps back: the next signed call's timestamp is ahead of it (-1021), and a resync follows.
        ex.setSkew(skewAfterSync);
      }

      const backlog = Promise.allSettled(Array.from({ length: READS }, () => call(DEPTH)));
      // No order 1: the exchange answers -2011, which is enough to see when the cancel reached it.
      const cancel = await call(CANCEL).catch((error: unknown) => error);
      await backlog;

      expect(cancel).toMatchObject({ code: -2011 });
      const reads = ex.requests.filter((r) => r.path === DEPTH.path).map((r) => r.id);
      const cancelled = ex.requests.findLast((r) => r.method === 'DELETE')!.id;
      // Three windows' reads at most went before it, and the rest of the backlog after.
      expect(reads.filter((id) => id < cancelled).length).toBeLessThanOrEqual(33);
      if (skewAfterSync !== undefined) expect(ex.count({ code: -1021 })).toBe(1);
    });
  });
});
