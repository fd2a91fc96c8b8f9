import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeExchange } from '../createFakeExchange.ts';
import type { FakeExchange } from '../FakeExchange.ts';
import { emptyParams, type Params } from '../params/Params.ts';
import { TestClient } from '../testClient.ts';
import { defaultEndpoints, defaultWeightTable } from './defaultWeightTable.ts';

const p = (o: Record<string, string>): Params => Object.assign(emptyParams(), o);
const list = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => `SYM${i}`));

describe('WeightTable', () => {
  const table = defaultWeightTable();
  const w = (method: string, path: string, params: Record<string, string> = {}) =>
    table.get(method, path)!.weightOf(p(params));

  it('compiles every endpoint of the shared data file', () => {
    expect([...table.entries()]).toHaveLength(defaultEndpoints.length);
    for (const e of defaultEndpoints) expect(w(e.method, e.path)).toBe(e.weight);
  });

  it('weighs depth by limit range', () => {
    const depth = (limit: string) => w('GET', '/api/v3/depth', { limit });
    expect(w('GET', '/api/v3/depth')).toBe(5);
    expect([depth('1'), depth('100'), depth('101'), depth('500'), depth('501'), depth('1000')]).toEqual([
      5, 5, 25, 25, 50, 50,
    ]);
    expect([depth('1001'), depth('5000'), depth('6000')]).toEqual([250, 250, 250]);
  });

  it('weighs ticker/24hr by symbol or symbols count', () => {
    const t = (params: Record<string, string>) => w('GET', '/api/v3/ticker/24hr', params);
    expect(t({ symbol: 'BTCUSDT' })).toBe(2);
    expect(t({})).toBe(80);
    expect([
      t({ symbols: list(1) }),
      t({ symbols: list(20) }),
      t({ symbols: list(21) }),
      t({ symbols: list(100) }),
    ]).toEqual([2, 2, 40, 40]);
    expect(t({ symbols: list(101) })).toBe(80);
  });

  it('weighs ticker/price 2 with symbol and 4 otherwise', () => {
    expect(w('GET', '/api/v3/ticker/price', { symbol: 'BTCUSDT' })).toBe(2);
    expect(w('GET', '/api/v3/ticker/price', { symbols: list(3) })).toBe(4);
    expect(w('GET', '/api/v3/ticker/price')).toBe(4);
  });

  it('weighs per-item endpoints with their caps', () => {
    expect(w('GET', '/api/v3/ticker', { symbols: list(10) })).toBe(40);
    expect(w('GET', '/api/v3/ticker', { symbols: list(51) })).toBe(200);
    expect(w('GET', '/api/v3/executionRules', { symbols: list(3) })).toBe(6);
    expect(w('GET', '/api/v3/executionRules', { symbols: list(30) })).toBe(40);
    expect(w('GET', '/api/v3/executionRules', { symbol: 'BTCUSDT' })).toBe(2);
    expect(w('GET', '/api/v3/executionRules', { symbolStatus: 'TRADING' })).toBe(40);
  });

  it('weighs parameter-dependent endpoints', () => {
    expect(w('GET', '/api/v3/openOrders', { symbol: 'BTCUSDT' })).toBe(6);
    expect(w('GET', '/api/v3/openOrders')).toBe(80);
    expect(w('GET', '/api/v3/myTrades', { orderId: '1' })).toBe(5);
    expect(w('GET', '/api/v3/myTrades')).toBe(20);
    expect(w('POST', '/api/v3/order/test', { computeCommissionRates: 'true' })).toBe(20);
    expect(w('POST', '/api/v3/order/test', { computeCommissionRates: 'false' })).toBe(1);
    expect(w('GET', '/api/v3/myPreventedMatches', { preventedMatchId: '1' })).toBe(2);
    expect(w('GET', '/api/v3/myPreventedMatches', { orderId: '1' })).toBe(20);
  });

  it('rejects a malformed data row', async () => {
    const { WeightTable } = await import('./WeightTable.ts');
    expect(() => new WeightTable([{ method: 'GET', path: '/x', weight: Number.NaN, security: 'NONE' }])).toThrow(
      /malformed/,
    );
  });
});

describe('request weight headers (X-MBX-USED-WEIGHT-1M)', () => {
  let ex: FakeExchange;
  let client: TestClient;
  const T = 1_700_000_010_000;

  beforeAll(async () => {
    ex = await createFakeExchange({
      now: () => T,
      accounts: [{ apiKey: 'k', secret: 's', balances: { USDT: '100000', BTC: '10' } }],
    });
    client = new TestClient(ex, { apiKey: 'k', secret: 's' });
  });
  beforeEach(() => ex.reset());
  afterAll(() => ex.close());

  const used = (r: { headers: Headers }) => Number(r.headers.get('x-mbx-used-weight-1m'));

  /** Sends `send` and returns the weight it added according to the header. */
  async function delta(send: () => Promise<{ headers: Headers }>): Promise<number> {
    const before = ex.client().usage.find((u) => u.rateLimitType === 'REQUEST_WEIGHT')!.count;
    return used(await send()) - before;
  }

  it('reports every response with the IP window usage', async () => {
    expect(used(await client.get('/api/v3/ping'))).toBe(1);
    expect(used(await client.get('/api/v3/time'))).toBe(2);
    expect(used(await client.get('/api/v3/exchangeInfo'))).toBe(22);
    expect(used(await client.get('/api/v3/nowhere'))).toBe(22);
  });

  it('charges depth by limit', async () => {
    const depth = (limit?: number) =>
      delta(() => client.get('/api/v3/depth', { symbol: 'BTCUSDT', ...(limit ? { limit } : {}) }));
    expect(await depth()).toBe(5);
    expect(await depth(100)).toBe(5);
    expect(await depth(101)).toBe(25);
    expect(await depth(1000)).toBe(50);
    expect(await depth(5000)).toBe(250);
  });

  it('charges tickers by symbol and symbols, even when the answer is an error', async () => {
    const t = (path: string, params: Record<string, string>) => delta(() => client.get(path, params));
    expect(await t('/api/v3/ticker/24hr', { symbol: 'BTCUSDT' })).toBe(2);
    expect(await t('/api/v3/ticker/24hr', { symbols: '["BTCUSDT","ETHUSDT"]' })).toBe(2);
    expect(await t('/api/v3/ticker/24hr', {})).toBe(80);
    expect(await t('/api/v3/ticker/24hr', { symbols: list(21) })).toBe(40);
    expect(ex.requests.at(-1)).toMatchObject({ status: 400, code: -1121, weight: 40 });
    expect(await t('/api/v3/ticker/price', { symbol: 'BTCUSDT' })).toBe(2);
    expect(await t('/api/v3/ticker/price', { symbols: '["BTCUSDT","ETHUSDT"]' })).toBe(4);
    expect(await t('/api/v3/ticker/price', {})).toBe(4);
  });

  it('charges openOrders 6 with symbol and 80 without, myTrades 5 with orderId', async () => {
    expect(await delta(() => client.signed('GET', '/api/v3/openOrders', { symbol: 'BTCUSDT' }))).toBe(6);
    expect(await delta(() => client.signed('GET', '/api/v3/openOrders'))).toBe(80);
    expect(await delta(() => client.signed('GET', '/api/v3/myTrades', { symbol: 'BTCUSDT' }))).toBe(20);
    expect(await delta(() => client.signed('GET', '/api/v3/myTrades', { symbol: 'BTCUSDT', orderId: 1 }))).toBe(5);
    const order = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001' };
    expect(await delta(() => client.signed('POST', '/api/v3/order/test', order))).toBe(1);
    expect(
      await delta(() => client.signed('POST', '/api/v3/order/test', { ...order, computeCommissionRates: 'true' })),
    ).toBe(20);
  });

  it('charges nothing for successful order requests and the documented weight for failed ones', async () => {
    const limit = {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01',
      price: '50000',
    };
    expect(await delta(() => client.signed('POST', '/api/v3/order', limit))).toBe(0);
    expect(await delta(() => client.signed('POST', '/api/v3/order', { ...limit, price: '50000.001' }))).toBe(1);
    expect(await delta(() => client.signed('DELETE', '/api/v3/order', { symbol: 'BTCUSDT', orderId: 1 }))).toBe(0);
    expect(await delta(() => client.signed('DELETE', '/api/v3/order', { symbol: 'BTCUSDT', orderId: 1 }))).toBe(1);
    expect(ex.findRequests({ path: '/api/v3/order' }).map((e) => e.weight)).toEqual([0, 1, 0, 1]);
  });

  it('authenticates and charges documented endpoints it does not implement, then answers -1020', async () => {
    const r = await client.signed('GET', '/api/v3/allOrderList');
    expect(r.data).toEqual({ code: -1020, msg: 'This operation is not supported.' });
    expect(used(r)).toBe(20);
    expect((await client.get('/api/v3/historicalTrades', { symbol: 'BTCUSDT' })).code).toBe(-2014);
  });
});
