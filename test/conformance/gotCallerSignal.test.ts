import { BinanceGuard } from '@binance-errors/core';
import { binanceErrors } from '@binance-errors/got';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import got from 'got';
import { describe, expect, it } from 'vitest';
import { deferredCleanups } from './support/lifecycle.ts';

// got with the caller's own `signal`, one controller for a whole session, as apps stop their work on shutdown. got
// 14 builds each call's request before the plugin's handler runs and ties it to that signal at once: a call the
// plugin ended before its first attempt left that request unsent, and the signal's abort then failed it with nobody
// listening, an unhandled 'error' event that ends the process. (The got 14 project runs this file on got 14; the
// abort while the guard holds a call is conformance.test.ts' "aborted while waiting" cases.)

const KEY = 'got-signal-api-key-0123456789abcdef';
const SECRET = 'got-signal-api-secret-0123456789abcdef';

const defer = deferredCleanups();

async function exchange(): Promise<{ ex: FakeExchange; guard: BinanceGuard }> {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '1000000', BTC: '100' } }],
  });
  defer(() => ex.close());
  const guard = new BinanceGuard(ex.url);
  defer(() => guard.close());
  return { ex, guard };
}

/** Waits for the turns in which an unhandled 'error' event would surface, and fails the test on one. */
async function noUncaughtError(): Promise<void> {
  const seen: unknown[] = [];
  const record = (error: unknown) => seen.push(error);
  process.on('uncaughtException', record);
  try {
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('uncaughtException', record);
  }
  expect(seen).toEqual([]);
}

describe("got: the caller's session-wide signal", () => {
  it('aborted after a call was refused unsent, sends nothing and ends nothing', async () => {
    const { ex, guard } = await exchange();
    const session = new AbortController();
    const api = got.extend(
      { prefixUrl: ex.url, signal: session.signal },
      binanceErrors({ apiKey: KEY, apiSecret: SECRET, guard }),
    );
    const form = new FormData();
    form.append('symbol', 'BTCUSDT');
    // A body the guard cannot sign: refused before anything is sent.
    await expect(api.post('api/v3/order', { body: form })).rejects.toThrow(/FormData/);
    expect((await api.get('api/v3/ticker/price', { searchParams: { symbol: 'BTCUSDT' } })).statusCode).toBe(200);
    session.abort();
    await noUncaughtError();
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(0);
  });
});
