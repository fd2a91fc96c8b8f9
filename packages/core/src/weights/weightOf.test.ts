import { describe, expect, it } from 'vitest';
import { createEndpointTable } from './endpointTable.ts';
import { weightOf } from './weightOf.ts';

const symbolsJson = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => `SYM${i}USDT`));

describe('weightOf', () => {
  it('charges GET /api/v3/depth by limit, with the default limit 100 when absent', () => {
    const depth = (limit?: number | string) =>
      weightOf('GET', '/api/v3/depth', limit === undefined ? {} : { limit }).weight;
    expect(depth()).toBe(5);
    expect(depth(1)).toBe(5);
    expect(depth(100)).toBe(5);
    expect(depth(101)).toBe(25);
    expect(depth(500)).toBe(25);
    expect(depth(501)).toBe(50);
    expect(depth(1000)).toBe(50);
    expect(depth(1001)).toBe(250);
    expect(depth(5000)).toBe(250);
    expect(depth('5000')).toBe(250);
    // The server caps limit at 5000, so anything above costs what 5000 costs.
    expect(depth(10_000)).toBe(250);
    expect(depth('not a number')).toBe(5);
  });

  it('reads parameters from a query string, URLSearchParams, a record, or the URL itself', () => {
    expect(weightOf('GET', '/api/v3/depth', 'symbol=BTCUSDT&limit=501').weight).toBe(50);
    expect(weightOf('GET', '/api/v3/depth', '?limit=101').weight).toBe(25);
    expect(weightOf('GET', '/api/v3/depth', new URLSearchParams({ limit: '1001' })).weight).toBe(250);
    expect(weightOf('GET', '/api/v3/depth?symbol=BTCUSDT&limit=1000').weight).toBe(50);
    // Explicit params win over the URL's query string.
    expect(weightOf('GET', '/api/v3/depth?limit=1000', { limit: 10 }).weight).toBe(5);
  });

  it('charges GET /api/v3/ticker/24hr by symbol, by the number of symbols, or for all symbols', () => {
    const t = (params: Record<string, unknown>) => weightOf('GET', '/api/v3/ticker/24hr', params).weight;
    expect(t({ symbol: 'BTCUSDT' })).toBe(2);
    expect(t({ symbols: symbolsJson(1) })).toBe(2);
    expect(t({ symbols: symbolsJson(20) })).toBe(2);
    expect(t({ symbols: symbolsJson(21) })).toBe(40);
    expect(t({ symbols: symbolsJson(100) })).toBe(40);
    expect(t({ symbols: symbolsJson(101) })).toBe(80);
    expect(t({})).toBe(80);
    expect(t({ symbols: Array.from({ length: 21 }, () => 'X') })).toBe(40);
    expect(weightOf('GET', '/api/v3/ticker/24hr', `symbols=${encodeURIComponent(symbolsJson(21))}`).weight).toBe(40);
    expect(weightOf('GET', '/api/v3/ticker/24hr', `symbols=${symbolsJson(2)}`).weight).toBe(2);
  });

  it('counts unquoted and comma-separated symbol lists', () => {
    const list = Array.from({ length: 25 }, (_, i) => `S${i}`);
    expect(weightOf('GET', '/api/v3/ticker/24hr', { symbols: `[${list.join(',')}]` }).weight).toBe(40);
    expect(weightOf('GET', '/api/v3/ticker/24hr', { symbols: list.join(',') }).weight).toBe(40);
  });

  it('charges GET /api/v3/ticker/price and bookTicker 2 for a symbol and 4 for a list or for all', () => {
    for (const path of ['/api/v3/ticker/price', '/api/v3/ticker/bookTicker']) {
      expect(weightOf('GET', path, { symbol: 'BTCUSDT' }).weight).toBe(2);
      expect(weightOf('GET', path, { symbols: symbolsJson(1) }).weight).toBe(4);
      expect(weightOf('GET', path, { symbols: symbolsJson(500) }).weight).toBe(4);
      expect(weightOf('GET', path).weight).toBe(4);
    }
  });

  it('charges per symbol on GET /api/v3/ticker and ticker/tradingDay, capped at 200 above 50 symbols', () => {
    for (const path of ['/api/v3/ticker', '/api/v3/ticker/tradingDay']) {
      expect(weightOf('GET', path, { symbol: 'BTCUSDT' }).weight).toBe(4);
      expect(weightOf('GET', path, { symbols: symbolsJson(1) }).weight).toBe(4);
      expect(weightOf('GET', path, { symbols: symbolsJson(20) }).weight).toBe(80);
      expect(weightOf('GET', path, { symbols: symbolsJson(50) }).weight).toBe(200);
      expect(weightOf('GET', path, { symbols: symbolsJson(51) }).weight).toBe(200);
      expect(weightOf('GET', path, { symbols: symbolsJson(100) }).weight).toBe(200);
    }
  });

  it('charges GET /api/v3/executionRules 2 per symbol up to 40, and 40 for symbolStatus or no parameters', () => {
    const e = (params?: Record<string, unknown>) => weightOf('GET', '/api/v3/executionRules', params).weight;
    expect(e({ symbol: 'BTCUSDT' })).toBe(2);
    expect(e({ symbols: symbolsJson(3) })).toBe(6);
    expect(e({ symbols: symbolsJson(20) })).toBe(40);
    expect(e({ symbols: symbolsJson(30) })).toBe(40);
    expect(e({ symbolStatus: 'TRADING' })).toBe(40);
    expect(e()).toBe(40);
  });

  it('charges GET /api/v3/openOrders 6 with a symbol and 80 without', () => {
    expect(weightOf('GET', '/api/v3/openOrders', { symbol: 'BTCUSDT' }).weight).toBe(6);
    expect(weightOf('GET', '/api/v3/openOrders', 'timestamp=1&recvWindow=5000').weight).toBe(80);
    expect(weightOf('GET', '/api/v3/openOrders', { symbol: '' }).weight).toBe(80);
    expect(weightOf('GET', '/api/v3/openOrders').weight).toBe(80);
  });

  it('charges GET /api/v3/myTrades 5 with orderId and 20 without', () => {
    expect(weightOf('GET', '/api/v3/myTrades', { symbol: 'BTCUSDT', orderId: 12 }).weight).toBe(5);
    expect(weightOf('GET', '/api/v3/myTrades', { symbol: 'BTCUSDT' }).weight).toBe(20);
  });

  it('charges order/test 20 only when computeCommissionRates is switched on', () => {
    for (const path of ['/api/v3/order/test', '/api/v3/sor/order/test']) {
      expect(weightOf('POST', path, { computeCommissionRates: true }).weight).toBe(20);
      expect(weightOf('POST', path, 'computeCommissionRates=true').weight).toBe(20);
      expect(weightOf('POST', path, 'computeCommissionRates=false').weight).toBe(1);
      expect(weightOf('POST', path, {}).weight).toBe(1);
      expect(weightOf('POST', path).orders).toBe(0);
    }
  });

  it('picks the case of GET /api/v3/myPreventedMatches by the parameter it names, else the documented weight', () => {
    const m = (params: Record<string, unknown>) => weightOf('GET', '/api/v3/myPreventedMatches', params).weight;
    expect(m({ symbol: 'BTCUSDT', preventedMatchId: 1 })).toBe(2);
    expect(m({ symbol: 'BTCUSDT', orderId: 1 })).toBe(20);
    expect(m({ symbol: 'BTCUSDT' })).toBe(20);
  });

  it('reports unfilled order counts, zero-weight-on-success, and SIGNED', () => {
    expect(weightOf('POST', '/api/v3/order')).toEqual({
      weight: 1,
      orders: 1,
      known: true,
      weightOnSuccess: 0,
      signed: true,
      path: '/api/v3/order',
    });
    expect(weightOf('POST', '/api/v3/orderList/otoco').orders).toBe(3);
    expect(weightOf('POST', '/api/v3/orderList/oto').orders).toBe(2);
    expect(weightOf('DELETE', '/api/v3/openOrders').weightOnSuccess).toBe(0);
    // Amend is free only when it makes the order expire: not knowable in advance, so no refund.
    expect(weightOf('PUT', '/api/v3/order/amend/keepPriority')).toMatchObject({
      weight: 4,
      weightOnSuccess: undefined,
    });
    expect(weightOf('GET', '/api/v3/depth')).toMatchObject({ signed: false, weightOnSuccess: undefined, orders: 0 });
    expect(weightOf('GET', '/api/v3/historicalTrades').signed).toBe(false);
  });

  it('normalises full URLs, prefixes, lower-case methods and trailing slashes', () => {
    expect(weightOf('get', 'https://api.binance.com/api/v3/depth?limit=5000').weight).toBe(250);
    expect(weightOf('GET', new URL('https://api1.binance.com/api/v3/depth?limit=600')).weight).toBe(50);
    expect(weightOf('GET', '/proxy/binance/api/v3/openOrders/', { symbol: 'X' })).toMatchObject({
      weight: 6,
      known: true,
      path: '/api/v3/openOrders',
    });
    expect(weightOf('GET', 'api/v3/exchangeInfo').weight).toBe(20);
  });

  it('marks unknown endpoints and charges the caller’s default weight', () => {
    expect(weightOf('GET', '/api/v3/somethingNew')).toMatchObject({
      known: false,
      weight: 1,
      orders: 0,
      signed: false,
    });
    expect(weightOf('GET', '/api/v3/somethingNew', undefined, { defaultWeight: 10 }).weight).toBe(10);
    expect(weightOf('PATCH', '/api/v3/order').known).toBe(false);
  });

  it('uses an overridden table passed directly or in options', () => {
    const table = createEndpointTable({ 'GET /api/v3/klines': 7 });
    expect(weightOf('GET', '/api/v3/klines', undefined, table).weight).toBe(7);
    expect(weightOf('GET', '/api/v3/klines', undefined, { table }).weight).toBe(7);
    expect(weightOf('GET', '/api/v3/klines').weight).toBe(2);
  });
});
