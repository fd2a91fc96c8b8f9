import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeExchange, type FakeExchange } from './index.ts';

// The README's "In your own vitest suite" example, kept runnable so the docs cannot drift from the code.
describe('createFakeExchange (README example)', () => {
  let ex: FakeExchange;

  beforeAll(async () => {
    ex = await createFakeExchange({
      accounts: [{ apiKey: 'test-key', secret: 'test-secret', balances: { USDT: '10000', BTC: '0.5' } }],
    });
  });
  beforeEach(() => ex.reset());
  afterAll(() => ex.close());

  function signed(query: string): string {
    return `${query}&signature=${createHmac('sha256', 'test-secret').update(query).digest('hex')}`;
  }

  it('places a market order', async () => {
    const body = signed(`symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&timestamp=${ex.now()}`);
    const res = await fetch(`${ex.url}/api/v3/order`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': 'test-key', 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'FILLED', executedQty: '0.01000000' });
    expect(ex.balances('test-key').BTC?.free).toBe('0.51000000');
    expect(ex.count({ method: 'POST', path: '/api/v3/order', status: 200 })).toBe(1);
  });

  it('accepts the recipes as written', async () => {
    ex.setSkew(3000);
    expect(ex.storm({ durationMs: 10_000 }).active).toBe(true);
    ex.fault({ kind: 'timeout', placed: true, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    ex.fault({ kind: 'reset', times: 1, match: { method: 'DELETE', path: '/api/v3/order' } });
    ex.fault({ kind: 'server-error', status: 502, probability: 0.2, match: { method: 'GET' } });
    expect(ex.faults).toHaveLength(4);
    const fast = await createFakeExchange({
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100, intervalMs: 2000 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 5, intervalMs: 1000 },
      ],
      ban: { after429s: 1, durationsMs: [1000, 2000, 4000] },
    });
    expect(fast.rateLimits.map((l) => l.intervalMs)).toEqual([2000, 1000]);
    await fast.close();
  });
});
