import { createHmac } from 'node:crypto';
import { classify, usdm, usdmEndpointTable, weightOf } from '@binance-errors/core';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// The usdm profile in core and the fake futures exchange are written apart; these checks make them agree, over
// loopback, on what a request costs and on which orders pass a -1008 storm.

const KEY = { apiKey: 'usdm-profile-key', secret: 'usdm-profile-secret' };
let ex: FakeExchange;

beforeAll(async () => {
  ex = await createFakeExchange({ product: 'usdm', accounts: [{ ...KEY, balances: { USDT: '100000' } }], ban: false });
});
beforeEach(() => ex.reset());
afterAll(() => ex.close());

/** Sends an unsigned request; the fake charges weight before it checks keys, so every endpoint reports its cost. */
async function charged(method: string, path: string, params: Record<string, string>): Promise<number> {
  const query = new URLSearchParams(params).toString();
  await fetch(`${ex.url}${path}${query ? `?${query}` : ''}`, { method }).then((r) => r.arrayBuffer());
  return ex.requests.at(-1)!.weight;
}

describe('usdm profile against the fake futures exchange', () => {
  const variations: Record<string, string>[] = [
    {},
    { symbol: 'BTCUSDT' },
    { limit: '5' },
    { limit: '100' },
    { limit: '1000' },
    { limit: '99' },
    { limit: '1500' },
  ];

  it('charges every listed endpoint what core’s weightOf says, with and without its parameters', async () => {
    let checked = 0;
    for (const spec of usdmEndpointTable.values()) {
      for (const params of variations) {
        const expected = weightOf(spec.method, spec.path, params, usdm.endpoints).weight;
        expect([spec.method, spec.path, params, await charged(spec.method, spec.path, params)]).toEqual([
          spec.method,
          spec.path,
          params,
          expected,
        ]);
        checked++;
      }
    }
    expect(checked).toBe(95 * variations.length);
  });

  it('lets exactly the orders through a -1008 storm that the profile calls exempt', async () => {
    const orders: Record<string, string>[] = [
      { side: 'BUY' },
      { side: 'SELL', reduceOnly: 'true' },
      { side: 'SELL', reduceOnly: 'false' },
      { side: 'BUY', closePosition: 'true' },
      { side: 'SELL', positionSide: 'LONG' },
      { side: 'BUY', positionSide: 'SHORT' },
      { side: 'BUY', positionSide: 'LONG' },
      { side: 'SELL', positionSide: 'SHORT' },
      { side: 'SELL', positionSide: 'BOTH', reduceOnly: 'TRUE' },
    ];
    ex.storm({ durationMs: 60_000 });
    for (const order of orders) {
      const params = { symbol: 'BTCUSDT', type: 'MARKET', quantity: '0.01', ...order };
      const exempt = usdm.isOverloadExempt('POST', '/fapi/v1/order', params);
      const res = await fetch(`${ex.url}/fapi/v1/order?${new URLSearchParams(params)}`, { method: 'POST' });
      const body = (await res.json()) as { code?: number };
      // Spared orders go on to authentication (-2014 here: no key sent); the others get the storm's -1008.
      expect([order, body.code === -1008]).toEqual([order, !exempt]);
    }
    for (const cancel of ['/fapi/v1/order', '/fapi/v1/batchOrders', '/fapi/v1/allOpenOrders']) {
      expect(usdm.isCancel('DELETE', cancel)).toBe(true);
      const res = await fetch(`${ex.url}${cancel}?symbol=BTCUSDT`, { method: 'DELETE' });
      expect(((await res.json()) as { code?: number }).code).not.toBe(-1008);
    }
  });

  it('types every code the fake answers with the futures catalog', async () => {
    ex.storm({ durationMs: 60_000 });
    const res = await fetch(`${ex.url}/fapi/v1/order?symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1`, {
      method: 'POST',
    });
    const body = (await res.json()) as { code: number; msg: string };
    expect(res.status).toBe(503);
    expect(usdm.catalog.lookupCode(body.code)).toMatchObject({ category: 'server-busy', executed: 'no' });
    expect(usdm.catalog.lookupMessage(body.msg)?.code).toBe(-1008);
  });

  describe('classify reads its answers with the futures catalog', () => {
    /** Places a signed futures order and classifies the answer as a client on the futures profile would. */
    async function order(params: Record<string, string>, product?: 'usdm') {
      const query = new URLSearchParams({
        symbol: 'BTCUSDT',
        type: 'MARKET',
        ...params,
        timestamp: String(Date.now()),
      });
      query.set('signature', createHmac('sha256', KEY.secret).update(query.toString()).digest('hex'));
      const url = `${ex.url}/fapi/v1/order?${query}`;
      const res = await fetch(url, { method: 'POST', headers: { 'X-MBX-APIKEY': KEY.apiKey } });
      const body = await res.text();
      return classify({ status: res.status, body, request: { method: 'POST', url }, product, secrets: [KEY.secret] });
    }

    it('types -2019 when margin runs out', async () => {
      const err = await order({ side: 'BUY', quantity: '100' }, 'usdm');
      expect([err.code, err.category, err.executed, err.retryable]).toEqual([-2019, 'order-rejected', 'no', false]);
      expect(err.hint).toBe(usdm.catalog.lookupCode(-2019)?.hint);
      expect(err.docsUrl).toMatch(/errors\/usdm\/2019-/);
    });

    it("keeps a storm's -1008 a definite failure on futures, where Spot's rule would leave it unknown", async () => {
      ex.storm({ durationMs: 60_000 });
      const futures = await order({ side: 'BUY', quantity: '0.01' }, 'usdm');
      expect([futures.status, futures.code, futures.category, futures.executed]).toEqual([
        503,
        -1008,
        'server-busy',
        'no',
      ]);
      expect(ex.positions(KEY.apiKey)).toEqual({});
      const asSpot = await order({ side: 'BUY', quantity: '0.01' });
      expect(asSpot.executed).toBe('unknown');
    });

    it('reads the 503 texts by what they say, whatever code comes with them', async () => {
      ex.fault({ kind: 'server-error', status: 503, code: -1000, msg: 'Service Unavailable.', times: 1 });
      const unavailable = await order({ side: 'BUY', quantity: '0.01' }, 'usdm');
      expect([unavailable.executed, unavailable.retryable]).toEqual(['no', true]);
      expect(unavailable.docsUrl).toMatch(/errors\/usdm\/http-503$/);
      const unknown = 'Unknown error, please check your request or try again later.';
      ex.fault({ kind: 'server-error', status: 503, code: -1000, msg: unknown, times: 1 });
      const maybe = await order({ side: 'BUY', quantity: '0.01' }, 'usdm');
      expect([maybe.category, maybe.executed, maybe.retryable]).toEqual(['unknown-outcome', 'unknown', false]);
      expect(JSON.stringify(maybe)).not.toContain(KEY.secret);
    });
  });
});
