import { BinanceGuard, type UnknownEndpointEvent } from '@binance-errors/core';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import { describe, expect, it } from 'vitest';
import { drivers } from './drivers.ts';
import { deferredCleanups } from './support/lifecycle.ts';
import { type Recorder, startRecorder } from './support/recorder.ts';

// USDⓈ-M Futures behind a company gateway that serves it under a path prefix (`/binance-futures/fapi/...`), with
// the plugin told the product: futures requests are recognised under the prefix as they are at the origin's root.

const API_KEY = 'usdm-gateway-api-key-0123456789abcdef';
const API_SECRET = 'usdm-gateway-api-secret-0123456789abcdef';
const PREFIX = '/binance-futures';

const defer = deferredCleanups();

/**
 * A gateway that forwards what comes under {@link PREFIX} to `ex` with the prefix removed, and answers anything else
 * with its own 404 page, as a reverse proxy mounted at a path does.
 */
async function gateway(ex: FakeExchange): Promise<Recorder> {
  const gw = await startRecorder((req, res) => {
    if (!req.url.startsWith(`${PREFIX}/`)) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><title>404 Not Found</title></html>');
      return;
    }
    const { 'content-length': _length, host: _host, ...headers } = req.headers;
    void fetch(`${ex.url}${req.url.slice(PREFIX.length)}`, {
      method: req.method,
      headers: headers as Record<string, string>,
      ...(req.body !== '' && { body: req.body }),
    })
      .then(async (answer) => {
        const forwarded: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (name !== 'content-length' && name !== 'content-encoding' && name !== 'transfer-encoding')
            forwarded[name] = value;
        });
        res.writeHead(answer.status, forwarded).end(await answer.text());
      })
      .catch(() => res.destroy());
  });
  defer(() => gw.close());
  return gw;
}

describe.each(drivers)('USDⓈ-M Futures behind a gateway path prefix: $name', (driver) => {
  it('signs an order and weighs its requests with the futures table under the prefix', async () => {
    const ex = await createFakeExchange({
      product: 'usdm',
      accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000000' } }],
    });
    defer(() => ex.close());
    const gw = await gateway(ex);
    // The guard the plugin joins on its first request, made first to listen to it.
    const guard = BinanceGuard.shared(gw.url, { product: 'usdm', clock: false });
    defer(() => guard.close());
    const unknown: UnknownEndpointEvent[] = [];
    guard.onUnknownEndpoint((event) => unknown.push(event));
    // Signed on the local clock: this is about how requests are read, not about the clock's own requests.
    const call = driver.create(`${gw.url}${PREFIX}`, {
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      product: 'usdm',
      clock: false,
    });

    const order = await call({
      method: 'POST',
      path: '/fapi/v1/order',
      params: { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.002', price: '59000' },
    });
    await call({ path: '/fapi/v1/depth', params: { symbol: 'BTCUSDT', limit: '1000' } });

    expect(order.status).toBe(200);
    expect(ex.count({ method: 'POST', path: '/fapi/v1/order', status: 200 })).toBe(1);
    // Both were weighed by the futures table, not charged the weight of an endpoint it does not know.
    expect(unknown).toEqual([]);
    expect(gw.requests.map((r) => r.url.split('?')[0])).toEqual([`${PREFIX}/fapi/v1/order`, `${PREFIX}/fapi/v1/depth`]);
  });

  it("syncs the clock and looks an order of unknown outcome up at the gateway's prefix", async () => {
    const ex = await createFakeExchange({
      product: 'usdm',
      accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000000' } }],
    });
    defer(() => ex.close());
    ex.setSkew(2000);
    const gw = await gateway(ex);
    const guard = new BinanceGuard(gw.url, { product: 'usdm' });
    defer(() => guard.close());
    const call = driver.create(`${gw.url}${PREFIX}`, {
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      guard,
      reconcile: true,
      recvWindow: 300,
    });
    ex.fault({ kind: 'timeout', placed: true, times: 1, match: { method: 'POST', path: '/fapi/v1/order' } });

    const order = await call({
      method: 'POST',
      path: '/fapi/v1/order',
      params: { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.002', price: '59000' },
    });

    expect(order.data).toMatchObject({ symbol: 'BTCUSDT', status: 'NEW' });
    expect(ex.count({ method: 'POST', path: '/fapi/v1/order' })).toBe(1);
    // Only the gateway's prefix was asked: the clock's samples and the lookup of the order as well.
    expect(gw.requests.every((r) => r.url.startsWith(`${PREFIX}/fapi/`))).toBe(true);
    expect(gw.requests.some((r) => r.url.startsWith(`${PREFIX}/fapi/v1/time`))).toBe(true);
    expect(ex.count({ method: 'GET', path: '/fapi/v1/order' })).toBe(1);
  });
});
