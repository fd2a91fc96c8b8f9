import usdmErrors from '@binance-errors/core/data/usdm/errors.json' with { type: 'json' };
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeExchange } from '../createFakeExchange.ts';
import type { FakeExchange } from '../FakeExchange.ts';
import { TestClient } from '../testClient.ts';

// createFakeExchange({ product: 'usdm' }) against the futures docs: weights, limits, headers, codes, faults.

const T = 1_700_000_010_000;
const KEY = { apiKey: 'k', secret: 's' };
const documented = new Set(usdmErrors.errors.map((e) => e.code));

describe("createFakeExchange({ product: 'usdm' })", () => {
  let ex: FakeExchange;
  let client: TestClient;
  let now = T;

  beforeAll(async () => {
    ex = await createFakeExchange({
      product: 'usdm',
      now: () => now,
      accounts: [{ ...KEY, balances: { USDT: '1000' } }],
    });
    client = new TestClient(ex, KEY);
  });
  beforeEach(() => {
    now = T;
    ex.reset();
  });
  afterAll(() => ex.close());

  const used = (r: { headers: Headers }) => Number(r.headers.get('x-mbx-used-weight-1m'));
  /** A resting buy: 0.002 BTC at 59000, below the last price of 60000. */
  const limit = (extra: Record<string, string> = {}) =>
    client.signed('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.002',
      price: '59000',
      ...extra,
    });
  const market = (side: 'BUY' | 'SELL', quantity: string, extra: Record<string, string> = {}) =>
    client.signed('POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side, type: 'MARKET', quantity, ...extra });

  it('serves the futures market data with futures weights', async () => {
    expect((await client.get('/fapi/v1/ping')).data).toEqual({});
    expect(used(await client.get('/fapi/v1/ping'))).toBe(2);
    const time = await client.get('/fapi/v1/time');
    expect(time.data).toEqual({ serverTime: T });
    const info = await client.get('/fapi/v1/exchangeInfo');
    expect(used(info)).toBe(4); // exchangeInfo costs 1 on futures, 20 on Spot
    expect((info.data as { rateLimits: unknown }).rateLimits).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
    ]);
    const depth = async (limit?: string) => {
      const before = used(await client.get('/fapi/v1/ping'));
      return used(await client.get('/fapi/v1/depth', { symbol: 'BTCUSDT', ...(limit ? { limit } : {}) })) - before;
    };
    expect([await depth('5'), await depth('100'), await depth(), await depth('1000')]).toEqual([2, 5, 10, 20]);
    const bad = await client.get('/fapi/v1/depth', { symbol: 'BTCUSDT', limit: '7' });
    expect([bad.status, bad.code, bad.msg]).toEqual([400, -4021, "'7' is not valid depth limit."]);
    const klines = await client.get('/fapi/v1/klines', { symbol: 'BTCUSDT', interval: '1m', limit: 1500 });
    expect(klines.data).toHaveLength(1500);
    expect((await client.get('/fapi/v2/ticker/price', { symbol: 'BTCUSDT' })).data).toMatchObject({
      symbol: 'BTCUSDT',
      price: '60000.00000000',
    });
    expect((await client.get('/api/v3/ping')).status).toBe(404);
  });

  it('places, queries and cancels orders with futures order-count headers and 0 weight', async () => {
    const before = used(await client.get('/fapi/v1/ping'));
    const placed = await limit({ newClientOrderId: 'mine-1' });
    expect(placed.status).toBe(200);
    expect(placed.data).toMatchObject({
      status: 'NEW',
      clientOrderId: 'mine-1',
      positionSide: 'BOTH',
      cumQty: '0.00000000',
    });
    expect(used(placed)).toBe(before);
    expect(placed.headers.get('x-mbx-order-count-10s')).toBe('1');
    expect(placed.headers.get('x-mbx-order-count-1m')).toBe('1');
    const found = await client.signed('GET', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'mine-1' });
    expect(found.data).toMatchObject({ status: 'NEW', orderId: (placed.data as { orderId: number }).orderId });
    expect((await client.signed('GET', '/fapi/v1/openOrders', { symbol: 'BTCUSDT' })).data).toHaveLength(1);
    const dup = await limit({ newClientOrderId: 'mine-1' });
    expect([dup.code, dup.msg]).toEqual([-4116, 'clientOrderId is duplicated']);
    const cancelled = await client.signed('DELETE', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      origClientOrderId: 'mine-1',
    });
    expect(cancelled.data).toMatchObject({ status: 'CANCELED' });
    const again = await client.signed('DELETE', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'mine-1' });
    expect([again.code, again.msg]).toEqual([-2011, 'Unknown order sent.']);
    const missing = await client.signed('GET', '/fapi/v1/order', { symbol: 'BTCUSDT', orderId: 999 });
    expect(missing.code).toBe(-2013);
  });

  it('opens and closes positions, and answers -2019 when margin runs out', async () => {
    // 1000 USDT at 20x leverage: 0.3 BTC at 60000 needs 900 USDT of margin; another 0.1 would need 300 more.
    expect((await market('BUY', '0.3')).data).toMatchObject({ status: 'FILLED', executedQty: '0.30000000' });
    expect(ex.positions('k')).toEqual({ 'BTCUSDT:BOTH': '0.30000000' });
    const refused = await market('BUY', '0.1');
    expect([refused.status, refused.code, refused.msg]).toEqual([400, -2019, 'Margin is insufficient.']);
    const account = (await client.signed('GET', '/fapi/v2/account')).data as Record<string, string>;
    expect(account.totalPositionInitialMargin).toBe('900.00000000');
    expect(account.availableBalance).toBe('100.00000000');
    for (const path of ['/fapi/v2/balance', '/fapi/v3/balance']) {
      expect((await client.signed('GET', path)).data).toMatchObject([
        { asset: 'USDT', balance: '1000.00000000', availableBalance: '100.00000000', marginAvailable: true },
      ]);
    }
    // Closing needs no margin; the price moved up 1000, so the wallet gains 300.
    ex.setPrice('BTCUSDT', '61000');
    expect((await market('SELL', '0.3', { reduceOnly: 'true' })).data).toMatchObject({ status: 'FILLED' });
    expect(ex.positions('k')).toEqual({});
    expect(((await client.signed('GET', '/fapi/v3/account')).data as Record<string, string>).totalWalletBalance).toBe(
      '1300.00000000',
    );
  });

  it('rejects a reduce-only order with nothing to reduce (-2022) and validates futures filters', async () => {
    const reduce = await market('SELL', '0.01', { reduceOnly: 'true' });
    expect([reduce.code, reduce.msg]).toEqual([-2022, 'ReduceOnly Order is rejected.']);
    const small = await market('BUY', '0.001');
    expect([small.code, small.msg]).toEqual([
      -4164,
      "Order's notional must be no smaller than 100 (unless you choose reduce only)",
    ]);
    expect((await market('BUY', '0.0015')).code).toBe(-4023);
    const stop = await market('BUY', '0.01', { type: 'STOP_MARKET' });
    expect(stop.code).toBe(-4120);
    const hedge = await market('BUY', '0.01', { positionSide: 'LONG' });
    expect(hedge.code).toBe(-4061);
    for (const r of [reduce, small, stop, hedge]) expect(documented.has(r.code!), String(r.code)).toBe(true);
  });

  it('keeps LONG and SHORT apart in hedge mode', async () => {
    const mode = await client.signed('POST', '/fapi/v1/positionSide/dual', { dualSidePosition: 'true' });
    expect(mode.status).toBe(200);
    expect((await market('BUY', '0.01', { positionSide: 'LONG' })).status).toBe(200);
    expect((await market('SELL', '0.01', { positionSide: 'SHORT' })).status).toBe(200);
    expect(ex.positions('k')).toEqual({ 'BTCUSDT:LONG': '0.01000000', 'BTCUSDT:SHORT': '-0.01000000' });
    const risk = (await client.signed('GET', '/fapi/v3/positionRisk')).data as { positionSide: string }[];
    expect(risk.map((p) => p.positionSide).sort()).toEqual(['LONG', 'SHORT']);
    expect((await market('SELL', '0.01', { positionSide: 'LONG' })).status).toBe(200);
    expect(ex.positions('k')).toEqual({ 'BTCUSDT:SHORT': '-0.01000000' });
  });

  it('fills a resting limit order when the price reaches it', async () => {
    await limit();
    ex.setPrice('BTCUSDT', '58000');
    expect(ex.futuresOrders('k')[0]).toMatchObject({ status: 'FILLED', avgPrice: '59000.00000000' });
    expect(ex.positions('k')).toEqual({ 'BTCUSDT:BOTH': '0.00200000' });
  });

  it('places a batch item by item, counting it 5 on the 10 s limit and 1 on the minute limit', async () => {
    const before = used(await client.get('/fapi/v1/ping'));
    const batch = [
      { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', newClientOrderId: 'b-1' },
      { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.02', reduceOnly: 'true' },
      { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.002', price: '59000' },
    ];
    const r = await client.signed('POST', '/fapi/v1/batchOrders', { batchOrders: JSON.stringify(batch) });
    expect(r.status).toBe(200);
    const items = r.data as { status?: string; code?: number; clientOrderId?: string }[];
    expect(items[0]).toMatchObject({ status: 'FILLED', clientOrderId: 'b-1' });
    expect(items[1]).toEqual({ code: -2022, msg: 'ReduceOnly Order is rejected.' });
    expect(items[2]).toMatchObject({ status: 'NEW' });
    expect(used(r) - before).toBe(5);
    expect(r.headers.get('x-mbx-order-count-10s')).toBe('5');
    expect(r.headers.get('x-mbx-order-count-1m')).toBe('1');
    const tooMany = await client.signed('POST', '/fapi/v1/batchOrders', {
      batchOrders: JSON.stringify([...batch, ...batch]),
    });
    expect([tooMany.code, tooMany.msg]).toEqual([-4082, 'Invalid number of batch place orders: 6']);
    const open = (items[2] as unknown as { orderId: number }).orderId;
    const cancelled = await client.signed('DELETE', '/fapi/v1/batchOrders', {
      symbol: 'BTCUSDT',
      orderIdList: JSON.stringify([open, 999]),
    });
    expect(cancelled.data).toEqual([
      expect.objectContaining({ status: 'CANCELED', orderId: open }),
      { code: -2011, msg: 'Unknown order sent.' },
    ]);
  });

  describe('PUT /fapi/v1/order', () => {
    const modify = (params: Record<string, string | number>) =>
      client.signed('PUT', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', ...params });
    const query = (orderId: number) => client.signed('GET', '/fapi/v1/order', { symbol: 'BTCUSDT', orderId });
    const orderIdOf = (r: { data: unknown }) => (r.data as { orderId: number }).orderId;

    it('moves a resting order to a new price and quantity, counting 1 on each ORDERS limit and 0 weight', async () => {
      const orderId = orderIdOf(await limit({ newClientOrderId: 'amend-1' }));
      const before = used(await client.get('/fapi/v1/ping'));
      const r = await modify({ origClientOrderId: 'amend-1', quantity: '0.003', price: '58500' });
      expect(r.status).toBe(200);
      expect(r.data).toMatchObject({ orderId, status: 'NEW', price: '58500.00000000', origQty: '0.00300000' });
      expect(used(r)).toBe(before);
      expect([r.headers.get('x-mbx-order-count-10s'), r.headers.get('x-mbx-order-count-1m')]).toEqual(['2', '2']);
      expect((await query(orderId)).data).toMatchObject({
        status: 'NEW',
        clientOrderId: 'amend-1',
        price: '58500.00000000',
        origQty: '0.00300000',
      });
      // The order holds margin for its new size: 0.003 × 58500 ÷ 20.
      const account = (await client.signed('GET', '/fapi/v2/account')).data as Record<string, string>;
      expect(account.totalOpenOrderInitialMargin).toBe('8.77500000');
    });

    it('answers -2013 for an order that is not open on that side, and -5027 when nothing changes', async () => {
      const orderId = orderIdOf(await limit());
      for (const params of [
        { orderId: 999, quantity: '0.002', price: '58000' },
        { origClientOrderId: 'nobody', quantity: '0.002', price: '58000' },
        { orderId, side: 'SELL', quantity: '0.002', price: '61000' },
      ]) {
        const r = await modify(params);
        expect([r.status, r.code, r.msg]).toEqual([400, -2013, 'Order does not exist.']);
      }
      const same = await modify({ orderId, quantity: '0.002', price: '59000' });
      expect([same.code, same.msg]).toEqual([-5027, 'No need to modify the order.']);
      await client.signed('DELETE', '/fapi/v1/order', { symbol: 'BTCUSDT', orderId });
      expect((await modify({ orderId, quantity: '0.002', price: '58000' })).code).toBe(-2013);
      expect((await query(orderId)).data).toMatchObject({ status: 'CANCELED', price: '59000.00000000' });
    });

    it('validates like a new order, and rejects price matching it cannot do', async () => {
      const orderId = orderIdOf(await limit());
      const noPrice = await modify({ orderId, quantity: '0.002' });
      expect([noPrice.code, noPrice.msg]).toEqual([
        -1102,
        "Mandatory parameter 'price' was not sent, was empty/null, or malformed.",
      ]);
      expect((await modify({ orderId, quantity: '0.002', price: '58000.05' })).code).toBe(-4014);
      expect((await modify({ orderId, quantity: '0.0025', price: '58000' })).code).toBe(-4023);
      const small = await modify({ orderId, quantity: '0.001', price: '58000' });
      expect([small.code, small.msg]).toEqual([-5029, "Order's notional must be no smaller than 100"]);
      const both = await modify({ orderId, quantity: '0.002', price: '58000', priceMatch: 'QUEUE' });
      expect([both.code, both.msg]).toEqual([-1106, "Parameter 'price' sent when not required."]);
      expect((await modify({ orderId, quantity: '0.002', priceMatch: 'QUEUE' })).code).toBe(-1020);
      expect((await modify({ orderId, quantity: '0.002', priceMatch: 'NEAR' })).code).toBe(-5037);
      expect((await modify({ quantity: '0.002', price: '58000' })).code).toBe(-1102);
      expect((await query(orderId)).data).toMatchObject({ price: '59000.00000000', origQty: '0.00200000' });
      // Rejected before the matching engine: none of these counted as an order.
      expect(ex.orderUsage('k').map((u) => u.count)).toEqual([1, 1]);
    });

    it('fills an order moved through the last price, cancels a post-only one, and keeps the margin rule', async () => {
      const gtc = orderIdOf(await limit());
      expect((await modify({ orderId: gtc, quantity: '0.002', price: '60500' })).data).toMatchObject({
        status: 'FILLED',
        avgPrice: '60000.00000000',
      });
      expect(ex.positions('k')).toEqual({ 'BTCUSDT:BOTH': '0.00200000' });
      const gtx = orderIdOf(await limit({ timeInForce: 'GTX' }));
      expect((await modify({ orderId: gtx, quantity: '0.002', price: '60000' })).data).toMatchObject({
        status: 'CANCELED',
      });
      // 0.4 BTC at 59000 needs 1180 USDT of margin at 20x; the wallet holds 1000.
      const big = orderIdOf(await limit());
      const refused = await modify({ orderId: big, quantity: '0.4', price: '59000' });
      expect([refused.code, refused.msg]).toEqual([-2019, 'Margin is insufficient.']);
    });

    it('modifies a batch item by item, counting it 5 on the 10 s limit and 1 on the minute limit', async () => {
      const first = orderIdOf(await limit({ newClientOrderId: 'batch-a' }));
      const before = used(await client.get('/fapi/v1/ping'));
      const batch = [
        { symbol: 'BTCUSDT', side: 'BUY', origClientOrderId: 'batch-a', quantity: '0.002', price: '58000' },
        { symbol: 'BTCUSDT', side: 'BUY', orderId: 999, quantity: '0.002', price: '58000' },
        { symbol: 'BTCUSDT', side: 'BUY', orderId: first, quantity: '0.001', price: '58000' },
        { symbol: 'BTCUSDT', orderId: first, quantity: '0.002', price: '57000' },
      ];
      const r = await client.signed('PUT', '/fapi/v1/batchOrders', { batchOrders: JSON.stringify(batch) });
      expect(r.status).toBe(200);
      expect(r.data).toEqual([
        expect.objectContaining({ orderId: first, status: 'NEW', price: '58000.00000000' }),
        { code: -2013, msg: 'Order does not exist.' },
        { code: -5029, msg: "Order's notional must be no smaller than 100" },
        { code: -1102, msg: "Mandatory parameter 'side' was not sent, was empty/null, or malformed." },
      ]);
      expect(used(r) - before).toBe(5);
      expect(r.headers.get('x-mbx-order-count-10s')).toBe('6');
      expect(r.headers.get('x-mbx-order-count-1m')).toBe('2');
      expect((await query(first)).data).toMatchObject({ price: '58000.00000000' });
      const tooMany = await client.signed('PUT', '/fapi/v1/batchOrders', {
        batchOrders: JSON.stringify([...batch, ...batch]),
      });
      expect([tooMany.code, tooMany.msg]).toEqual([-4082, 'Invalid number of batch place orders: 8']);
    });
  });

  describe('POST /fapi/v1/countdownCancelAll', () => {
    // Only the countdown's timers are fake: the HTTP round trips run on real ones.
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });
    const countdown = (countdownTime: number, symbol = 'BTCUSDT', c = client) =>
      c.signed('POST', '/fapi/v1/countdownCancelAll', { symbol, countdownTime });
    const statuses = (on = ex) => on.futuresOrders('k').map((o) => o.status);

    it('cancels the open orders of its symbol once the countdown runs out, and a heartbeat starts it over', async () => {
      await limit();
      await limit();
      await market('BUY', '0.01');
      const armed = await countdown(200);
      expect(armed.data).toEqual({ symbol: 'BTCUSDT', countdownTime: '200' });
      expect(used(armed)).toBe(10);
      await vi.advanceTimersByTimeAsync(150);
      await countdown(200);
      await vi.advanceTimersByTimeAsync(150);
      expect(statuses()).toEqual(['NEW', 'NEW', 'FILLED']);
      await vi.advanceTimersByTimeAsync(50);
      expect(statuses()).toEqual(['CANCELED', 'CANCELED', 'FILLED']);
      expect(ex.futuresOrders('k')[0]).toMatchObject({ updateTime: T });
    });

    it('stops the countdown with countdownTime 0, and counts down each symbol apart', async () => {
      await limit();
      await countdown(200);
      const eth = await client.signed('POST', '/fapi/v1/order', {
        symbol: 'ETHUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '0.01',
        price: '2900',
      });
      await countdown(200, 'ETHUSDT');
      expect((await countdown(0)).data).toEqual({ symbol: 'BTCUSDT', countdownTime: '0' });
      await vi.advanceTimersByTimeAsync(1000);
      expect(statuses()).toEqual(['NEW', 'CANCELED']);
      expect(ex.futuresOrders('k')[1]).toMatchObject({ orderId: (eth.data as { orderId: number }).orderId });
    });

    it('validates its parameters', async () => {
      const missing = await client.signed('POST', '/fapi/v1/countdownCancelAll', { symbol: 'BTCUSDT' });
      expect([missing.code, missing.msg]).toEqual([
        -1102,
        "Mandatory parameter 'countdownTime' was not sent, was empty/null, or malformed.",
      ]);
      expect((await countdown(-1)).code).toBe(-1100);
      expect((await countdown(200, 'NOPE')).code).toBe(-1121);
    });

    it('stops every countdown on reset and on close', async () => {
      await countdown(200);
      ex.reset();
      await limit();
      await vi.advanceTimersByTimeAsync(400);
      expect(statuses()).toEqual(['NEW']);

      const other = await createFakeExchange({ product: 'usdm', accounts: [{ ...KEY, balances: { USDT: '1000' } }] });
      const c = new TestClient(other, KEY);
      const order = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.002' };
      await c.signed('POST', '/fapi/v1/order', { ...order, price: '59000' });
      await countdown(200, 'BTCUSDT', c);
      await other.close();
      await vi.advanceTimersByTimeAsync(400);
      expect(statuses(other)).toEqual(['NEW']);
    });

    it('never holds the process open', async () => {
      vi.useRealTimers();
      const spy = vi.spyOn(globalThis, 'setTimeout');
      try {
        await countdown(123_456);
        const armed = spy.mock.results[spy.mock.calls.findIndex(([, ms]) => ms === 123_456)];
        expect((armed?.value as NodeJS.Timeout | undefined)?.hasRef()).toBe(false);
      } finally {
        spy.mockRestore();
      }
    });
  });

  it('authenticates and charges the listed endpoints it does not trade, then answers -1020', async () => {
    const r = await client.signed('GET', '/fapi/v1/income');
    expect(r.code).toBe(-1020);
    expect(used(r)).toBe(30);
  });

  it('answers 429 -1015 past 300 orders in 10 s, with the futures wording', async () => {
    const small = await createFakeExchange({
      product: 'usdm',
      now: () => T,
      accounts: [{ ...KEY, balances: { USDT: '1000000' } }],
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 3 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 2 },
        { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      ],
    });
    try {
      const c = new TestClient(small, KEY);
      const order = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' };
      expect((await c.signed('POST', '/fapi/v1/order', order)).status).toBe(200);
      expect((await c.signed('POST', '/fapi/v1/order', order)).status).toBe(200);
      const third = await c.signed('POST', '/fapi/v1/order', order);
      expect([third.status, third.code, third.msg]).toEqual([
        429,
        -1015,
        'Too many new orders; current limit is 2 orders per 10 SECOND.',
      ]);
      expect(small.orderUsage('k').map((u) => u.count)).toEqual([2, 2]);
      for (let i = 0; i < 3; i++) await c.get('/fapi/v1/ping');
      const limited = await c.get('/fapi/v1/ping');
      expect([limited.status, limited.code]).toEqual([429, -1003]);
      // The futures docs never mention Retry-After, so the fake leaves it out unless asked.
      expect(limited.headers.get('retry-after')).toBeNull();
      expect(limited.msg).toBe(
        'Too many requests; current limit is 3 requests per minute. Please use the websocket for live updates to avoid polling the API.',
      );
    } finally {
      await small.close();
    }
  });

  it('answers a -1008 storm with the futures text, but lets cancels and exposure-reducing orders through', async () => {
    expect((await market('BUY', '0.01')).status).toBe(200);
    ex.storm({ durationMs: 60_000 });
    const busy = await market('BUY', '0.01');
    expect([busy.status, busy.code, busy.msg]).toEqual([
      503,
      -1008,
      'Request throttled by system-level protection. Reduce-only/close-position orders are exempt. Please try again.',
    ]);
    const reduce = await market('SELL', '0.01', { reduceOnly: 'true' });
    expect(reduce.status).toBe(200);
    expect(ex.positions('k')).toEqual({});
    const batch = (orders: Record<string, string>[]) =>
      client.signed('POST', '/fapi/v1/batchOrders', { batchOrders: JSON.stringify(orders) });
    const closing = { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01', reduceOnly: 'true' };
    expect((await batch([closing])).status).toBe(200);
    expect((await batch([closing, { ...closing, side: 'BUY', reduceOnly: 'false' }])).code).toBe(-1008);
    const cancel = await client.signed('DELETE', '/fapi/v1/allOpenOrders', { symbol: 'BTCUSDT' });
    expect(cancel.data).toEqual({ code: 200, msg: 'The operation of cancel all open order is done.' });
    expect(ex.faults[0]?.hits).toBe(2);
  });

  it('scripts the three futures 503 messages and a placed timeout like Spot', async () => {
    ex.fault({ kind: 'server-error', status: 503, code: -1000, msg: 'Service Unavailable.', times: 1 });
    const unavailable = await market('BUY', '0.01');
    expect([unavailable.status, unavailable.msg]).toEqual([503, 'Service Unavailable.']);
    expect(ex.positions('k')).toEqual({});
    ex.fault({ kind: 'timeout', placed: true, times: 1 });
    const lost = await market('BUY', '0.01', { newClientOrderId: 'lost-1' });
    expect([lost.status, lost.code]).toEqual([503, -1007]);
    expect(ex.positions('k')).toEqual({ 'BTCUSDT:BOTH': '0.01000000' });
    const found = await client.signed('GET', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'lost-1' });
    expect(found.data).toMatchObject({ status: 'FILLED' });
    ex.fault({ kind: 'server-error', times: 1 });
    expect((await client.get('/fapi/v1/ping')).msg).toBe('An unknown error occured while processing the request.');
  });

  it('refuses Spot-only helpers and a bad product', async () => {
    const spot = await createFakeExchange();
    try {
      expect(() => spot.positions('k')).toThrow(/product: 'usdm'/);
    } finally {
      await spot.close();
    }
    await expect(createFakeExchange({ product: 'coinm' as never })).rejects.toThrow(
      /product must be 'spot' or 'usdm', got "coinm"/,
    );
  });
});
