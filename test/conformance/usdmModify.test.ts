import { isBinanceError } from '@binance-errors/core';
import { describe, expect, it } from 'vitest';
import { fail } from '../support/fail.ts';
import { type Call, type Driver, drivers } from './drivers.ts';
import { futuresScene } from './support/futures.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// USDⓈ-M's amend, `PUT /fapi/v1/order`, through each client: signed like any order request, and, as a request that
// changes an order, sent at most once while its outcome is unknown.

const API_KEY = 'usdm-modify-api-key-0123456789abcdef';
const API_SECRET = 'usdm-modify-api-secret-0123456789abcdef';
const PATH = '/fapi/v1/order';

const defer = deferredCleanups();

/** The fake futures exchange, and `driver`'s client on it with a guard of its own. */
const futures = (driver: Driver) => futuresScene(defer, driver, API_KEY, API_SECRET);

/** Places a resting buy of 0.002 BTC at 50000 (the last price is 60000) and returns its order id. */
async function restingBuy(call: Call): Promise<string> {
  const placed = await call({
    method: 'POST',
    path: PATH,
    form: { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.002', price: '50000' },
  });
  return String((placed.data as { orderId: number }).orderId);
}

describe.each(drivers)('$name: PUT /fapi/v1/order on USDⓈ-M', (driver) => {
  it('modifies a resting order, signed by the plugin', async () => {
    const { ex, call } = await futures(driver);
    const orderId = await restingBuy(call);
    const form = { symbol: 'BTCUSDT', side: 'BUY', orderId, quantity: '0.003', price: '51000' };

    const res = await call({ method: 'PUT', path: PATH, form });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ orderId: Number(orderId), status: 'NEW', price: '51000.00000000' });
    const sent = ex.findRequests({ method: 'PUT', path: PATH });
    expect(sent.map((r) => [r.signatureValid, r.status, r.params.quantity])).toEqual([[true, 200, '0.003']]);
    expect(ex.futuresOrders(API_KEY)[0]).toMatchObject({ price: '51000.00000000', origQty: '0.00300000' });
  });

  it('sends a modification whose answer was lost exactly once and says its outcome is unknown', async () => {
    const { ex, call } = await futures(driver);
    const orderId = await restingBuy(call);
    const form = { symbol: 'BTCUSDT', side: 'BUY', orderId, quantity: '0.002', price: '52000' };
    ex.fault({ kind: 'timeout', placed: true, times: 1, match: { method: 'PUT', path: PATH } });

    const lost = await fail(call({ method: 'PUT', path: PATH, form }));
    expect(isBinanceError(lost) && lost.executed).toBe('unknown');
    expect(ex.count({ method: 'PUT', path: PATH })).toBe(1);
    // It did execute: sending it again could have moved the order twice (or undone a later change).
    expect(ex.futuresOrders(API_KEY)[0]).toMatchObject({ price: '52000.00000000' });
    const again = await fail(call({ method: 'PUT', path: PATH, form }));
    expect(isBinanceError(again) ? again.message : '').toMatch(/not sent again/);
    expect(ex.count({ method: 'PUT', path: PATH })).toBe(1);
  });
});
