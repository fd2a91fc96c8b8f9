import { binanceErrors } from '@binance-errors/axios';
import { BinanceGuard } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from './support/gc.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// An app that builds a client per job with its own `guard: new BinanceGuard(…)` (the documented way to get separate
// state) and lets it go without `guard.close()`: nothing says a guard must be closed, and the process exits either
// way (its timers are unref'd). But the clock's periodic resync held the clock, whose fetchServerTime holds the guard,
// and the breaker's bucket rotation held the breaker: every guard dropped after a signed call lived on, sending
// GET /api/v3/time each `resyncIntervalMs` for the life of the process, and every guard dropped at all kept its breaker.

const KEY = 'orphan-guard-api-key-0123456789abcdef0123';
const SECRET = 'orphan-guard-api-secret-0123456789abcdef0';
const RESYNC_MS = 1000;
const defer = deferredCleanups();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function exchange() {
  const ex = await createFakeExchange({ accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '1000000' } }] });
  defer(() => ex.close());
  return ex;
}

/** One signed call through a client with a guard of its own, which syncs its clock; returns the guard. */
async function signedJob(url: string): Promise<BinanceGuard> {
  const guard = new BinanceGuard(url, { clock: { resyncIntervalMs: RESYNC_MS } });
  const api = axios.create({ baseURL: url });
  binanceErrors({ apiKey: KEY, apiSecret: SECRET, guard }).install(api);
  expect((await api.get('/api/v3/openOrders', { params: { symbol: 'BTCUSDT' } })).status).toBe(200);
  return guard;
}

/** The job, with nothing of it kept but a weak reference to its guard. */
async function droppedJob(url: string): Promise<WeakRef<BinanceGuard>> {
  return new WeakRef(await signedJob(url));
}

/**
 * One more job on a guard that is closed and not watched: V8 keeps the last guard made reachable from a stale stack
 * slot for a while (a bare axios instance shows the same), which is not what is tested here.
 */
async function settleStack(url: string): Promise<void> {
  const guard = new BinanceGuard(url, { clock: false, breaker: false });
  const api = axios.create({ baseURL: url });
  binanceErrors({ guard }).install(api);
  await api.get('/api/v3/ping');
  guard.close();
}

/** Garbage collection, with a turn between: a WeakRef keeps its target until the turn it was read in ends. */
async function collect(): Promise<void> {
  collectGarbage();
  await sleep(20);
  collectGarbage();
}

describe('BinanceGuard dropped without close()', () => {
  it('is collected and sends no more GET /api/v3/time, while a guard still held goes on resyncing', async () => {
    const ex = await exchange();
    const refs: WeakRef<BinanceGuard>[] = [];
    for (let i = 0; i < 20; i++) refs.push(await droppedJob(ex.url));
    await settleStack(ex.url);
    const heldExchange = await exchange();
    const held = await signedJob(heldExchange.url);
    defer(() => held.close());
    await collect();
    const orphansBefore = ex.count({ method: 'GET', path: '/api/v3/time' });
    const heldBefore = heldExchange.count({ method: 'GET', path: '/api/v3/time' });
    // Every guard's resync comes due in this window.
    await sleep(RESYNC_MS + 500);
    collectGarbage();
    const alive = refs.filter((ref) => ref.deref() !== undefined);
    // Whatever a regression keeps alive must not outlive the exchange.
    for (const ref of alive) defer(() => ref.deref()?.close());
    expect({
      alive: alive.length,
      orphanTimeRequests: ex.count({ method: 'GET', path: '/api/v3/time' }) - orphansBefore,
    }).toEqual({ alive: 0, orphanTimeRequests: 0 });
    expect(heldExchange.count({ method: 'GET', path: '/api/v3/time' }) - heldBefore).toBeGreaterThan(0);
  });

  it('leaves nothing behind when it never sent a request: its breaker and the listeners on it are collected', async () => {
    const listeners = (() => {
      const refs: WeakRef<object>[] = [];
      for (let i = 0; i < 200; i++) {
        const guard = new BinanceGuard('https://api.binance.com');
        const listener = () => {};
        guard.onBreakerStateChange(listener);
        refs.push(new WeakRef(listener));
      }
      return refs;
    })();
    await collect();
    expect(listeners.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
  });
});
