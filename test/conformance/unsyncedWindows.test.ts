import { binanceErrors } from '@binance-errors/axios';
import { BinanceGuard, type RateLimit } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { deferredCleanups } from './support/lifecycle.ts';

// A guard that only reads (a market-data poller) had no reason to sync its clock, so its throttle's windows were the
// host's, while the docs promise windows aligned to the server's clock. With the host 1.5 s behind the exchange, what
// the guard sent in the last 1.5 s of its window the exchange counted in its next one, which the guard then granted
// in full: two windows' worth in one, 429s and a 418 ban. The clock now syncs after a guard's first request that
// succeeds, without holding it. Each burst here leaves in a few ms, so the edge guard is not what is tested.
//
// Spot's 6,000 weight per minute, with the window shortened to 5 s on the exchange and in the guard.

const WINDOW_MS = 5000;
const LIMIT: RateLimit = { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 };

const defer = deferredCleanups();

/** Two bursts of 200 × weight 25: one second before the host's window ends, and just after. */
async function twoBursts(skewMs: number): Promise<{ 429: number; 418: number }> {
  const ex = await createFakeExchange({ rateLimits: [{ ...LIMIT, intervalMs: WINDOW_MS }], skewMs });
  defer(() => ex.close());
  const guard = new BinanceGuard(ex.url, {
    product: 'spot',
    throttle: { limits: [{ ...LIMIT, intervalMs: WINDOW_MS }], maxWaitMs: 20_000 },
  });
  defer(() => guard.close());
  const api = axios.create({ baseURL: ex.url });
  binanceErrors({ guard }).install(api);
  const depth = () => api.get('/api/v3/depth', { params: { symbol: 'BTCUSDT', limit: '500' } }); // weight 25
  for (let i = 0; i < 10; i++) await api.get('/api/v3/ping');

  // One second before the host's window ends (with the host 1.5 s behind, the exchange's next window began 0.5 s
  // ago): 200 × 25 = 5,000.
  const into = Date.now() % WINDOW_MS;
  await new Promise((r) => setTimeout(r, (WINDOW_MS - 1000 - into + WINDOW_MS) % WINDOW_MS));
  await Promise.allSettled(Array.from({ length: 200 }, depth));
  // Just into the host's next window: another 5,000.
  await new Promise((r) => setTimeout(r, WINDOW_MS - (Date.now() % WINDOW_MS) + 150));
  await Promise.allSettled(Array.from({ length: 200 }, depth));

  return { 429: ex.count({ status: 429 }), 418: ex.count({ status: 418 }) };
}

describe('a guard that only reads, on a host clock 1.5 s behind the exchange', () => {
  it('keeps to the exchange windows: two bursts of 5,000 weight a window apart draw no 429 or 418', async () => {
    expect(await twoBursts(1500)).toEqual({ 429: 0, 418: 0 });
  });

  it('draws none when the host clock is right', async () => {
    expect(await twoBursts(0)).toEqual({ 429: 0, 418: 0 });
  });
});

describe("a guard that only reads, when the exchange's time endpoint fails", () => {
  it('serves its reads, and asks for the time again only a minute later, not on every call', async () => {
    const ex = await createFakeExchange();
    defer(() => ex.close());
    ex.fault({ kind: 'server-error', status: 500, match: { path: '/api/v3/time' } });
    const guard = new BinanceGuard(ex.url);
    defer(() => guard.close());
    const api = axios.create({ baseURL: ex.url });
    binanceErrors({ guard }).install(api);

    expect((await api.get('/api/v3/ping')).status).toBe(200);
    // The first call's sync fails in the background, unheard by the call.
    for (let i = 0; i < 100 && ex.count({ path: '/api/v3/time' }) === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
    const asked = ex.count({ path: '/api/v3/time' });
    expect(asked).toBeGreaterThan(0);
    for (let i = 0; i < 30; i++) expect((await api.get('/api/v3/ping')).status).toBe(200);
    expect(ex.count({ path: '/api/v3/time' })).toBe(asked);
    expect(guard.snapshot().clock?.synced).toBe(false);
  });
});

// The first call starts the clock's sync. When that call found the IP's window spent by another program, its /time went
// out beside it and met the same 429 or 418: one more refused request from this IP, on our count, into a window the
// exchange had closed (and a 418 that Binance may lengthen). The sync now starts once a call has succeeded: after a
// 429, the call the guard sent again when the pause ended; during a ban, none.
describe("a guard whose first call finds the IP's window spent by another program", () => {
  const WINDOW = { ...LIMIT, limit: 20, intervalMs: 3000 };

  it.each([
    { refusal: 429, ban: false as const, synced: true },
    { refusal: 418, ban: { after429s: 1, durationsMs: [3000] }, synced: false },
  ])('sends its clock no /time into the $refusal', async ({ refusal, ban, synced }) => {
    const ex = await createFakeExchange({ rateLimits: [WINDOW], ban });
    defer(() => ex.close());
    // Early in a window, so that it is still spent when the guard's call arrives.
    while (ex.now() % WINDOW.intervalMs > 300) await new Promise((r) => setTimeout(r, 20));
    while ((await fetch(`${ex.url}/api/v3/ping`)).status !== refusal);
    const guard = new BinanceGuard(ex.url, { product: 'spot', throttle: { limits: [WINDOW] } });
    defer(() => guard.close());
    const api = axios.create({ baseURL: ex.url });
    binanceErrors({ guard }).install(api);

    // After a 429 the guard sends the call again once the pause ends; a 418 fails it.
    const outcome = await api.get('/api/v3/ping').then(
      (r) => r.status,
      (e: { status?: number }) => e.status,
    );
    expect(outcome).toBe(refusal === 429 ? 200 : 418);
    // After the pause, the call's success started the sync; during the ban, nothing did.
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 30 && guard.snapshot().clock?.synced !== synced; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(guard.snapshot().clock?.synced).toBe(synced);
    expect(ex.count({ path: '/api/v3/time', status: refusal }), `/time answered ${refusal}`).toBe(0);
  });
});
