import { isBinanceError } from '@binance-errors/core';
import { describe, expect, it } from 'vitest';
import { type Driver, drivers } from './drivers.ts';
import { futuresScene } from './support/futures.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// USDⓈ-M's settings (leverage, margin type, position mode) and its kill switch's heartbeat (countdownCancelAll, sent
// every 30 s with a 120 s countdown, as Binance's docs advise) change no order, and sent again they leave what the first
// left. The never-twice ledger held each for 65 s after one unknown outcome: the heartbeats after a 503 were answered
// "was not sent again", and the countdown ran out and cancelled every open order of the symbol.

const API_KEY = 'usdm-settings-api-key-0123456789abcdef';
const API_SECRET = 'usdm-settings-api-secret-0123456789abcdef';
/** Futures' 503 whose outcome is unknown. */
const UNKNOWN_503 = {
  kind: 'server-error',
  status: 503,
  code: -1000,
  msg: 'Unknown error, please check your request or try again later.',
  times: 1,
} as const;

const defer = deferredCleanups();

/** The fake futures exchange, and `driver`'s client on it with a guard of its own. */
const futures = (driver: Driver) => futuresScene(defer, driver, API_KEY, API_SECRET);

describe.each(drivers)('$name: a USDⓈ-M setting whose outcome was unknown is sent again', (driver) => {
  it.each([
    ['the kill switch heartbeat', '/fapi/v1/countdownCancelAll', { symbol: 'BTCUSDT', countdownTime: '120000' }],
    ['a leverage setting', '/fapi/v1/leverage', { symbol: 'BTCUSDT', leverage: '5' }],
  ])('%s', async (_, path, form) => {
    const { ex, call } = await futures(driver);
    ex.fault({ ...UNKNOWN_503, match: { path } });

    const first = await call({ method: 'POST', path, form }).catch((e: unknown) => e);
    expect(isBinanceError(first) && first.executed).toBe('unknown');
    // Sent again is what counts; the fake arms the countdown (120 s, unref'd) or sets the leverage.
    const again = await call({ method: 'POST', path, form }).catch((e: unknown) => e);
    expect(isBinanceError(again) ? again.message : '').not.toMatch(/not sent again/);
    expect(ex.count({ path })).toBe(2);
  });

  it('still holds an order placed again after an unknown outcome', async () => {
    const { ex, call } = await futures(driver);
    const path = '/fapi/v1/order';
    const form = {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.002',
      price: '50000',
    };
    ex.fault({ ...UNKNOWN_503, match: { path } });

    await call({ method: 'POST', path, form }).catch(() => undefined);
    const again = await call({ method: 'POST', path, form }).catch((e: unknown) => e);
    expect(isBinanceError(again) ? again.message : '').toMatch(/not sent again/);
    expect(ex.count({ path })).toBe(1);
  });
});
