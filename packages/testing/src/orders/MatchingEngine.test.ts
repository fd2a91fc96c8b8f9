import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeExchange } from '../createFakeExchange.ts';
import type { FakeExchange } from '../FakeExchange.ts';
import { TestClient } from '../testClient.ts';
import type { FakeOrder } from './FakeOrder.ts';

const T = 1_700_000_000_000;

describe('MatchingEngine (through the order endpoints)', () => {
  let ex: FakeExchange;
  let client: TestClient;
  const limit = (over: Record<string, string> = {}) => ({
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.01',
    price: '50000',
    ...over,
  });
  const place = (params: Record<string, string>) => client.signed('POST', '/api/v3/order', params);
  const usdt = () => ex.balances('k').USDT;

  beforeAll(async () => {
    ex = await createFakeExchange({
      now: () => T,
      accounts: [{ apiKey: 'k', secret: 's', balances: { USDT: '100000', BTC: '1' } }],
    });
    client = new TestClient(ex, { apiKey: 'k', secret: 's' });
  });
  beforeEach(() => ex.reset());
  afterAll(() => ex.close());

  it('rests a LIMIT order that does not cross, locking its funds', async () => {
    const r = await place(limit({ newClientOrderId: 'my-1' }));
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({
      symbol: 'BTCUSDT',
      orderId: 1,
      clientOrderId: 'my-1',
      transactTime: T,
      price: '50000.00000000',
      origQty: '0.01000000',
      executedQty: '0.00000000',
      status: 'NEW',
      type: 'LIMIT',
      side: 'BUY',
      fills: [],
    });
    expect(usdt()).toEqual({ free: '99500.00000000', locked: '500.00000000' });
    const open = await client.signed('GET', '/api/v3/openOrders', { symbol: 'BTCUSDT' });
    expect((open.data as FakeOrder[]).map((o) => o.clientOrderId)).toEqual(['my-1']);
  });

  it('fills a MARKET order at the configured price and moves balances', async () => {
    const r = await place({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' });
    expect(r.data).toMatchObject({
      status: 'FILLED',
      executedQty: '0.01000000',
      cummulativeQuoteQty: '600.00000000',
      fills: [
        { price: '60000.00000000', qty: '0.01000000', commission: '0.00000000', commissionAsset: 'BTC', tradeId: 1 },
      ],
    });
    expect(ex.balances('k')).toMatchObject({
      USDT: { free: '99400.00000000', locked: '0.00000000' },
      BTC: { free: '1.01000000', locked: '0.00000000' },
    });
    const sell = await place({ symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.5' });
    expect(sell.data).toMatchObject({ status: 'FILLED', cummulativeQuoteQty: '30000.00000000' });
    expect(ex.balances('k').BTC?.free).toBe('0.51000000');
  });

  it('sizes a MARKET order by quoteOrderQty, rounded down to the step size', async () => {
    const r = await place({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quoteOrderQty: '100' });
    expect(r.data).toMatchObject({
      status: 'FILLED',
      executedQty: '0.00166000',
      cummulativeQuoteQty: '99.60000000',
      origQuoteOrderQty: '100.00000000',
    });
  });

  it('fills a crossing LIMIT at the last price and expires a non-crossing IOC', async () => {
    const crossing = await place(limit({ price: '61000' }));
    expect(crossing.data).toMatchObject({ status: 'FILLED', cummulativeQuoteQty: '600.00000000' });
    const ioc = await place(limit({ timeInForce: 'IOC' }));
    expect(ioc.data).toMatchObject({ status: 'EXPIRED', executedQty: '0.00000000' });
    expect(usdt()).toEqual({ free: '99400.00000000', locked: '0.00000000' });
  });

  it('rejects a crossing LIMIT_MAKER with -2010', async () => {
    const r = await place({ symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT_MAKER', quantity: '0.01', price: '59000' });
    expect(r.data).toEqual({ code: -2010, msg: 'Order would immediately match and take.' });
  });

  it('checks PRICE_FILTER, LOT_SIZE and NOTIONAL with -1013', async () => {
    expect((await place(limit({ price: '50000.001' }))).data).toEqual({
      code: -1013,
      msg: 'Filter failure: PRICE_FILTER',
    });
    expect((await place(limit({ quantity: '0.000001' }))).data).toEqual({
      code: -1013,
      msg: 'Filter failure: LOT_SIZE',
    });
    expect((await place(limit({ quantity: '0.00001', price: '100' }))).data).toEqual({
      code: -1013,
      msg: 'Filter failure: NOTIONAL',
    });
    expect((await place(limit({ quantity: '0.123456789' }))).data).toEqual({
      code: -1111,
      msg: "Parameter 'quantity' has too much precision.",
    });
    expect(ex.orders('k')).toEqual([]);
  });

  it('answers -2010 for insufficient balance and for a duplicate open client order id', async () => {
    const broke = await place(limit({ quantity: '10' }));
    expect(broke.status).toBe(400);
    expect(broke.data).toEqual({ code: -2010, msg: 'Account has insufficient balance for requested action.' });
    await place(limit({ newClientOrderId: 'dup' }));
    expect((await place(limit({ newClientOrderId: 'dup' }))).data).toEqual({
      code: -2010,
      msg: 'Duplicate order sent.',
    });
    await client.signed('DELETE', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: 'dup' });
    expect((await place(limit({ newClientOrderId: 'dup' }))).status).toBe(200);
  });

  it('queries an order by orderId or origClientOrderId and answers -2013 when unknown', async () => {
    await place(limit({ newClientOrderId: 'q-1' }));
    const byId = await client.signed('GET', '/api/v3/order', { symbol: 'BTCUSDT', orderId: 1 });
    expect(byId.data).toMatchObject({ orderId: 1, clientOrderId: 'q-1', status: 'NEW', time: T, isWorking: true });
    const byClient = await client.signed('GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: 'q-1' });
    expect(byClient.data).toEqual(byId.data);
    const unknown = await client.signed('GET', '/api/v3/order', { symbol: 'BTCUSDT', orderId: 99 });
    expect([unknown.status, unknown.data]).toEqual([400, { code: -2013, msg: 'Order does not exist.' }]);
    const otherSymbol = await client.signed('GET', '/api/v3/order', { symbol: 'ETHUSDT', orderId: 1 });
    expect(otherSymbol.code).toBe(-2013);
    const neither = await client.signed('GET', '/api/v3/order', { symbol: 'BTCUSDT' });
    expect(neither.data).toEqual({
      code: -1102,
      msg: "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!",
    });
  });

  it('cancels an open order, unlocking funds, and answers -2011 for unknown or closed orders', async () => {
    await place(limit({ newClientOrderId: 'c-1' }));
    const r = await client.signed('DELETE', '/api/v3/order', {
      symbol: 'BTCUSDT',
      orderId: 1,
      newClientOrderId: 'cancel-1',
    });
    expect(r.data).toMatchObject({
      origClientOrderId: 'c-1',
      clientOrderId: 'cancel-1',
      status: 'CANCELED',
      orderId: 1,
    });
    expect(usdt()).toEqual({ free: '100000.00000000', locked: '0.00000000' });
    const again = await client.signed('DELETE', '/api/v3/order', { symbol: 'BTCUSDT', orderId: 1 });
    expect([again.status, again.data]).toEqual([400, { code: -2011, msg: 'Unknown order sent.' }]);
    expect((await client.signed('DELETE', '/api/v3/order', { symbol: 'BTCUSDT', orderId: 42 })).code).toBe(-2011);
  });

  it('cancels every open order of a symbol with DELETE openOrders, -2011 when there is none', async () => {
    await place(limit({ price: '50000' }));
    await place(limit({ price: '49000' }));
    await place(limit({ symbol: 'ETHUSDT', quantity: '1', price: '2000' }));
    const r = await client.signed('DELETE', '/api/v3/openOrders', { symbol: 'BTCUSDT' });
    expect((r.data as FakeOrder[]).map((o) => [o.orderId, o.status])).toEqual([
      [1, 'CANCELED'],
      [2, 'CANCELED'],
    ]);
    const all = await client.signed('GET', '/api/v3/openOrders');
    expect((all.data as FakeOrder[]).map((o) => o.symbol)).toEqual(['ETHUSDT']);
    expect((await client.signed('DELETE', '/api/v3/openOrders', { symbol: 'BTCUSDT' })).code).toBe(-2011);
  });

  it('fills resting orders at their own price when setPrice moves through them', async () => {
    await place(limit({ price: '50000' }));
    ex.setPrice('BTCUSDT', '49000');
    expect(ex.price('BTCUSDT')).toBe('49000.00000000');
    const order = await client.signed('GET', '/api/v3/order', { symbol: 'BTCUSDT', orderId: 1 });
    expect(order.data).toMatchObject({ status: 'FILLED', cummulativeQuoteQty: '500.00000000' });
    expect(ex.balances('k')).toMatchObject({
      USDT: { free: '99500.00000000', locked: '0.00000000' },
      BTC: { free: '1.01000000' },
    });
    const trades = await client.signed('GET', '/api/v3/myTrades', { symbol: 'BTCUSDT', orderId: 1 });
    expect(trades.data).toEqual([
      {
        symbol: 'BTCUSDT',
        id: 1,
        orderId: 1,
        orderListId: -1,
        price: '50000.00000000',
        qty: '0.01000000',
        quoteQty: '500.00000000',
        commission: '0.00000000',
        commissionAsset: 'BTC',
        time: T,
        isBuyer: true,
        isMaker: true,
        isBestMatch: true,
      },
    ]);
  });

  it('answers the ACK and RESULT response types', async () => {
    const ack = await place(limit({ newOrderRespType: 'ACK', newClientOrderId: 'a' }));
    expect(ack.data).toEqual({ symbol: 'BTCUSDT', orderId: 1, orderListId: -1, clientOrderId: 'a', transactTime: T });
    const result = await place(limit({ newOrderRespType: 'RESULT' }));
    expect(result.data).toHaveProperty('status', 'NEW');
    expect(result.data).not.toHaveProperty('fills');
  });

  it('validates order parameters with the exchange codes', async () => {
    const code = async (params: Record<string, string>) => (await place(params)).data;
    expect(await code(limit({ symbol: 'DOGEUSDT' }))).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    expect(await code(limit({ side: 'HOLD' }))).toEqual({ code: -1117, msg: 'Invalid side.' });
    expect(await code(limit({ type: 'MOON' }))).toEqual({ code: -1116, msg: 'Invalid orderType.' });
    expect(await code(limit({ type: 'STOP_LOSS' }))).toEqual({ code: -1014, msg: 'Unsupported order combination.' });
    const { timeInForce: _, ...noTif } = limit();
    expect(await code(noTif)).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.",
    });
    expect(await code({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', timeInForce: 'GTC', quantity: '1' })).toEqual({
      code: -1114,
      msg: 'TimeInForce parameter sent when not required.',
    });
    expect(await code({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET' })).toEqual({
      code: -1102,
      msg: "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
    });
    expect(await code(limit({ quoteOrderQty: '10' }))).toEqual({
      code: -1106,
      msg: "Parameter 'quoteOrderQty' sent when not required.",
    });
    expect(await code(limit({ newClientOrderId: 'has space' }))).toMatchObject({ code: -1100 });
    expect(await code(limit({ price: '-1' }))).toMatchObject({ code: -1100 });
  });

  it('validates without trading on order/test', async () => {
    expect((await client.signed('POST', '/api/v3/order/test', limit({ quantity: '100' }))).data).toEqual({});
    expect((await client.signed('POST', '/api/v3/order/test', limit({ price: '0.001' }))).code).toBe(-1013);
    const rates = await client.signed('POST', '/api/v3/order/test', { ...limit(), computeCommissionRates: 'true' });
    expect(rates.data).toHaveProperty('standardCommissionForOrder');
    expect(ex.orders('k')).toEqual([]);
  });

  it('lists account balances and orders', async () => {
    await place(limit());
    const account = await client.signed('GET', '/api/v3/account', { omitZeroBalances: 'true' });
    expect(account.data).toMatchObject({
      accountType: 'SPOT',
      canTrade: true,
      balances: [
        { asset: 'USDT', free: '99500.00000000', locked: '500.00000000' },
        { asset: 'BTC', free: '1.00000000', locked: '0.00000000' },
      ],
    });
    const all = await client.signed('GET', '/api/v3/allOrders', { symbol: 'BTCUSDT' });
    expect((all.data as FakeOrder[]).length).toBe(1);
  });
});

describe('cancelReplace (POST /api/v3/order/cancelReplace)', () => {
  let ex: FakeExchange;
  let client: TestClient;
  const replace = (params: Record<string, string | number>) =>
    client.signed('POST', '/api/v3/order/cancelReplace', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01',
      price: '49000',
      ...params,
    });

  beforeAll(async () => {
    ex = await createFakeExchange({
      now: () => T,
      accounts: [{ apiKey: 'k', secret: 's', balances: { USDT: '100000', BTC: '1' } }],
    });
    client = new TestClient(ex, { apiKey: 'k', secret: 's' });
  });
  beforeEach(async () => {
    ex.reset();
    const r = await client.signed('POST', '/api/v3/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01',
      price: '50000',
      newClientOrderId: 'old',
    });
    expect(r.status).toBe(200);
  });
  afterAll(() => ex.close());

  it('answers 200 when the cancel and the new order both succeed', async () => {
    const r = await replace({
      cancelReplaceMode: 'STOP_ON_FAILURE',
      cancelOrigClientOrderId: 'old',
      newClientOrderId: 'new',
    });
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({
      cancelResult: 'SUCCESS',
      newOrderResult: 'SUCCESS',
      cancelResponse: { origClientOrderId: 'old', status: 'CANCELED' },
      newOrderResponse: { clientOrderId: 'new', status: 'NEW', price: '49000.00000000' },
    });
    expect(ex.requests.at(-1)?.weight).toBe(0);
  });

  it('answers 400 -2022 with NOT_ATTEMPTED when the cancel fails under STOP_ON_FAILURE, still counting an order', async () => {
    const before = ex.orderUsage('k')[0]?.count ?? 0;
    const r = await replace({ cancelReplaceMode: 'STOP_ON_FAILURE', cancelOrderId: 77 });
    expect(r.status).toBe(400);
    expect(r.data).toEqual({
      code: -2022,
      msg: 'Order cancel-replace failed.',
      data: {
        cancelResult: 'FAILURE',
        newOrderResult: 'NOT_ATTEMPTED',
        cancelResponse: { code: -2011, msg: 'Unknown order sent.' },
        newOrderResponse: null,
      },
    });
    expect(ex.orderUsage('k')[0]?.count).toBe(before + 1);
  });

  it('answers 409 -2021 when only the new order succeeds (ALLOW_FAILURE)', async () => {
    const r = await replace({ cancelReplaceMode: 'ALLOW_FAILURE', cancelOrderId: 77 });
    expect(r.status).toBe(409);
    expect(r.data).toMatchObject({
      code: -2021,
      msg: 'Order cancel-replace partially failed.',
      data: {
        cancelResult: 'FAILURE',
        newOrderResult: 'SUCCESS',
        cancelResponse: { code: -2011, msg: 'Unknown order sent.' },
        newOrderResponse: { status: 'NEW' },
      },
    });
  });

  it('answers 409 -2021 when the cancel succeeds and the new order fails', async () => {
    const r = await replace({
      cancelReplaceMode: 'STOP_ON_FAILURE',
      cancelOrigClientOrderId: 'old',
      type: 'LIMIT_MAKER',
      timeInForce: '',
      price: '61000',
    });
    expect(r.status).toBe(409);
    expect(r.data).toMatchObject({
      code: -2021,
      data: {
        cancelResult: 'SUCCESS',
        newOrderResult: 'FAILURE',
        cancelResponse: { status: 'CANCELED' },
        newOrderResponse: { code: -2010, msg: 'Order would immediately match and take.' },
      },
    });
    const old = await client.signed('GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: 'old' });
    expect(old.data).toMatchObject({ status: 'CANCELED' });
  });

  it('reports a filter failure of the new order inside data', async () => {
    const r = await replace({
      cancelReplaceMode: 'ALLOW_FAILURE',
      cancelOrigClientOrderId: 'old',
      quantity: '0.000001',
    });
    expect(r.status).toBe(409);
    expect(r.data).toMatchObject({ data: { newOrderResponse: { code: -1013, msg: 'Filter failure: LOT_SIZE' } } });
  });

  it('answers 400 -2022 when both fail under ALLOW_FAILURE', async () => {
    const r = await replace({ cancelReplaceMode: 'ALLOW_FAILURE', cancelOrderId: 77, quantity: '100' });
    expect(r.status).toBe(400);
    expect(r.data).toMatchObject({
      code: -2022,
      data: {
        cancelResult: 'FAILURE',
        newOrderResult: 'FAILURE',
        newOrderResponse: { code: -2010, msg: 'Account has insufficient balance for requested action.' },
      },
    });
    expect(ex.requests.at(-1)?.weight).toBe(1);
  });

  it('needs cancelReplaceMode and an order to cancel', async () => {
    expect((await replace({ cancelOrderId: 1 })).msg).toBe(
      "Mandatory parameter 'cancelReplaceMode' was not sent, was empty/null, or malformed.",
    );
    expect((await replace({ cancelReplaceMode: 'STOP_ON_FAILURE' })).msg).toBe(
      "Param 'cancelOrderId' or 'cancelOrigClientOrderId' must be sent, but both were empty/null!",
    );
  });
});
