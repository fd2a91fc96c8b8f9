import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import { describe, expect, it } from 'vitest';
import { drivers } from './drivers.ts';
import { hostClock, realNow, sleep, within } from './support/hostClock.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// The host's wall clock can step under a running bot: NTP correcting a drifted clock, a VM or laptop resumed, a
// container whose clock is set. Only `Date` is stepped here; the fake exchange keeps the real time. How long the
// guard remembers an unknown outcome, how long its breaker stays open and how long reconcile waits are durations:
// a step of the wall clock must not stretch or cut them.

const KEY = 'hostclock-steps-key-0123456789abcdef012345';
const SECRET = 'hostclock-steps-secret-0123456789abcdef0123';
const ORDER = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' };
const HOUR = 3_600_000;

const defer = deferredCleanups();
const clock = hostClock();

async function exchange() {
  const ex = await createFakeExchange({
    now: realNow,
    accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '1000000' } }],
  });
  defer(() => ex.close());
  return ex;
}

describe('an order whose outcome is unknown, when the host clock steps forward 2 min', () => {
  it.each(drivers)('$name: the identical order sent again is answered without sending it', async (driver) => {
    const ex = await exchange();
    const guard = new BinanceGuard(ex.url);
    defer(() => guard.close());
    const call = driver.create(ex.url, { guard, apiKey: KEY, apiSecret: SECRET });
    // The order executes, but its answer is a 503 -1007: outcome unknown.
    ex.fault({ kind: 'timeout', placed: true, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const first = await call({ method: 'POST', path: '/api/v3/order', params: ORDER }).catch((e: unknown) => e);
    expect(isBinanceError(first, 'unknown-outcome'), String(first)).toBe(true);

    // 2 min is past what the guard remembers it for (recvWindow + 1 min), but only on the stepped wall clock.
    clock.step(120_000);
    // The user's retry loop sends the same order again a moment later.
    const again = await call({ method: 'POST', path: '/api/v3/order', params: ORDER }).catch((e: unknown) => e);
    expect(isBinanceError(again, 'unknown-outcome') && again.executed, String(again)).toBe('unknown');
    expect(ex.count({ method: 'POST', path: '/api/v3/order' }), 'order requests that reached the exchange').toBe(1);
  });
});

describe('an open breaker, when the host clock steps', () => {
  for (const [name, ms] of [
    ['back 1 h', -HOUR],
    ['forward 2 min', 120_000],
  ] as const) {
    it.each(drivers)(`$name: a refusal after a step ${name} says to come back when the probe goes`, async (driver) => {
      const ex = await exchange();
      const guard = new BinanceGuard(ex.url, { breaker: { resetTimeoutMs: 2000 }, retry: { reads: 0 } });
      defer(() => guard.close());
      const call = driver.create(ex.url, { guard });
      // A -1008 storm opens the breaker; it lets a probe through 2 s later.
      ex.storm({ durationMs: 60_000 });
      while (guard.snapshot().breaker?.state !== 'open') await call({ path: '/api/v3/ping' }).catch(() => undefined);

      clock.step(ms);
      // A caller (or axios-retry, the connector) waits as long as the refusal says: not the step, and not 0 while
      // every retry is refused.
      const refused = await call({ path: '/api/v3/ping' }).catch((e: unknown) => e);
      expect(isBinanceError(refused, 'circuit-open'), String(refused)).toBe(true);
      const { retryAfterMs, response } = refused as { retryAfterMs?: number; response?: { headers: object } };
      expect(retryAfterMs, String(refused)).toBeGreaterThan(0);
      expect(retryAfterMs, String(refused)).toBeLessThanOrEqual(2000);
      // The 503 the refusal carries, as the exchange would answer it.
      expect(response?.headers).toMatchObject({ 'retry-after': expect.stringMatching(/^[12]$/) });
    });
  }
});

describe('reconcile with clock: false, when the host clock steps back 1 h during its wait', () => {
  it.each(drivers)('$name: the call ends once the recvWindow has passed in real time', async (driver) => {
    const ex = await exchange();
    // Without the guard's clock, the host's wall clock stamps the order and says when its recvWindow has passed.
    const guard = new BinanceGuard(ex.url, { clock: false });
    defer(() => guard.close());
    const abort = new AbortController();
    defer(() => abort.abort());
    const call = driver.create(ex.url, { guard, apiKey: KEY, apiSecret: SECRET, recvWindow: 1000, reconcile: true });
    // The order is not placed, but its answer is a 503 -1007: the plugin looks it up, finds nothing, and waits for
    // its recvWindow (1 s) to pass before looking again.
    ex.fault({ kind: 'timeout', placed: false, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const placing = call({ method: 'POST', path: '/api/v3/order', params: ORDER, signal: abort.signal }).catch(
      (e: unknown) => e,
    );
    await sleep(300);

    clock.step(-HOUR);
    // It looks again about a second after it started, as without the step. Its clock now reads an hour early, so it
    // cannot conclude "not placed" (by that clock the order could execute for another hour, past maxWaitMs): the
    // first error stands, outcome unknown — a second after the order, not an hour.
    const ended = await within(placing, 5000);
    expect(isBinanceError(ended, 'unknown-outcome') && ended.executed, String(ended)).toBe('unknown');
    expect(ex.count({ method: 'POST', path: '/api/v3/order' }), 'order requests that reached the exchange').toBe(1);
  });
});

describe('reconcile with clock: false, when the host clock steps forward 950 ms while the order is in flight', () => {
  it.each(drivers)(
    "$name: does not say 'not placed' before the order's recvWindow has passed on the exchange",
    async (driver) => {
      const ex = await exchange();
      const guard = new BinanceGuard(ex.url, { clock: false });
      defer(() => guard.close());
      const call = driver.create(ex.url, { guard, apiKey: KEY, apiSecret: SECRET, recvWindow: 1000, reconcile: true });
      // The order is answered -1007 (not placed, but the guard cannot know); while it is in flight NTP steps the host
      // clock 950 ms on (under a second: the lookups, stamped on the same clock, are still accepted).
      ex.fault({
        kind: 'timeout',
        placed: false,
        times: 1,
        match: {
          method: 'POST',
          path: '/api/v3/order',
          predicate: () => {
            clock.step(950);
            return true;
          },
        },
      });
      const ended = await call({ method: 'POST', path: '/api/v3/order', params: ORDER }).catch((e: unknown) => e);
      const verdictAt = realNow();
      const sent = ex.findRequests({ method: 'POST', path: '/api/v3/order' })[0]!;
      // 'no' may only be said once the order can no longer execute on the exchange's clock.
      expect(isBinanceError(ended), String(ended)).toBe(true);
      if (isBinanceError(ended) && ended.executed === 'no') {
        expect(verdictAt).toBeGreaterThanOrEqual(Number(sent.params.timestamp) + 1000);
      }
    },
  );
});
