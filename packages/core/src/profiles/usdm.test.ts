import { describe, expect, it } from 'vitest';
import { usdmCatalog } from '../catalog/usdm.generated.ts';
import { weightOf } from '../weights/weightOf.ts';
import { USDM_DEFAULT_LIMITS, usdm } from './usdm.ts';

describe('usdm', () => {
  it('bundles the futures catalog, endpoint table, default limits and headers', () => {
    expect(usdm.product).toBe('usdm');
    expect(usdm.catalog).toBe(usdmCatalog);
    expect(usdm.docsPath).toBe('errors/usdm/');
    expect(weightOf('GET', '/fapi/v1/exchangeInfo', {}, usdm.endpoints).weight).toBe(1);
    expect(usdm.budgets[0].limits).toBe(USDM_DEFAULT_LIMITS);
    expect(USDM_DEFAULT_LIMITS).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
    ]);
    expect(usdm.budgets[0].usedWeightHeaders).toEqual(['X-MBX-USED-WEIGHT-']);
    expect(usdm.orderCountHeader).toBe('X-MBX-ORDER-COUNT-');
    expect(usdm.budgetFor('/futures/data/basis').name).toBe('fapi');
    expect(usdm.resyncCodes).toEqual([-1021, -5028]);
  });

  it('names the futures time, exchangeInfo, order lookup, placement and cancel endpoints', () => {
    expect(usdm.special.time).toBe('GET /fapi/v1/time');
    expect(usdm.special.orderLookup).toBe('GET /fapi/v1/order');
    expect(usdm.isExchangeInfo('GET', '/fapi/v1/exchangeInfo')).toBe(true);
    expect(usdm.isExchangeInfo('GET', '/api/v3/exchangeInfo')).toBe(false);
    expect(usdm.isPlacement('post', 'https://fapi.binance.com/fapi/v1/order?symbol=BTCUSDT')).toBe(true);
    expect(usdm.isPlacement('POST', '/fapi/v1/batchOrders')).toBe(false);
    for (const path of [
      '/fapi/v1/order',
      '/fapi/v1/batchOrders',
      '/fapi/v1/allOpenOrders',
      '/fapi/v1/algoOrder',
      '/fapi/v1/algoOpenOrders',
    ]) {
      expect(usdm.isCancel('DELETE', path), path).toBe(true);
    }
    expect(usdm.isCancel('DELETE', '/api/v3/order')).toBe(false);
    expect(usdm.isCancel('POST', '/fapi/v1/order')).toBe(false);
    // Every special endpoint is one the table knows.
    for (const key of [
      usdm.special.time,
      usdm.special.exchangeInfo,
      usdm.special.orderLookup,
      ...usdm.special.cancels,
    ]) {
      expect(usdm.endpoints.has(key), key).toBe(true);
    }
  });

  it('serves the production host and both futures testnets', () => {
    for (const host of ['fapi.binance.com', 'demo-fapi.binance.com', 'testnet.binancefuture.com', 'FAPI.binance.com']) {
      expect(usdm.servesHost(host), host).toBe(true);
    }
    expect(usdm.servesHost('api.binance.com')).toBe(false);
  });
});

describe('usdm.isOverloadExempt', () => {
  const exempt = (params: Parameters<typeof usdm.isOverloadExempt>[2], path = '/fapi/v1/order') =>
    usdm.isOverloadExempt('POST', path, params);

  it('lets closePosition=true through', () => {
    expect(exempt({ symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', closePosition: 'true' })).toBe(true);
    expect(exempt('symbol=BTCUSDT&side=BUY&closePosition=true')).toBe(true);
    expect(exempt({ closePosition: true })).toBe(true);
    expect(exempt({ closePosition: 'false' })).toBe(false);
  });

  it('lets reduceOnly=true through in one-way mode only', () => {
    expect(exempt({ side: 'SELL', reduceOnly: 'true' })).toBe(true);
    expect(exempt({ side: 'BUY', reduceOnly: 'TRUE', positionSide: 'BOTH' })).toBe(true);
    expect(exempt(new URLSearchParams({ side: 'SELL', reduceOnly: 'true' }))).toBe(true);
    expect(exempt({ side: 'SELL', reduceOnly: 'false' })).toBe(false);
    expect(exempt({ side: 'SELL' })).toBe(false);
    // Hedge mode decides by side, not by reduceOnly (which it does not take).
    expect(exempt({ side: 'BUY', positionSide: 'LONG', reduceOnly: 'true' })).toBe(false);
  });

  it('lets LONG+SELL and SHORT+BUY through in hedge mode, not LONG+BUY or SHORT+SELL', () => {
    expect(exempt({ side: 'SELL', positionSide: 'LONG' })).toBe(true);
    expect(exempt({ side: 'BUY', positionSide: 'SHORT' })).toBe(true);
    expect(exempt({ side: 'buy', positionSide: 'short' })).toBe(true);
    expect(exempt({ side: 'BUY', positionSide: 'LONG' })).toBe(false);
    expect(exempt({ side: 'SELL', positionSide: 'SHORT' })).toBe(false);
  });

  it('judges a stop or take-profit order in the Algo Service alike', () => {
    const stop = { algoType: 'CONDITIONAL', symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET' };
    expect(exempt({ ...stop, closePosition: 'true' }, '/fapi/v1/algoOrder')).toBe(true);
    expect(exempt({ ...stop, reduceOnly: 'true' }, '/fapi/v1/algoOrder')).toBe(true);
    expect(exempt({ ...stop, quantity: '0.01' }, '/fapi/v1/algoOrder')).toBe(false);
  });

  it('reads the query string of the path too', () => {
    expect(usdm.isOverloadExempt('POST', '/fapi/v1/order?side=SELL&reduceOnly=true')).toBe(true);
    expect(usdm.isOverloadExempt('POST', '/fapi/v1/order?side=SELL')).toBe(false);
  });

  it('lets a batch through only when every order in it reduces exposure', () => {
    const reducing = [
      { side: 'SELL', reduceOnly: 'true' },
      { side: 'BUY', positionSide: 'SHORT' },
    ];
    expect(exempt({ batchOrders: JSON.stringify(reducing) }, '/fapi/v1/batchOrders')).toBe(true);
    expect(exempt({ batchOrders: reducing }, '/fapi/v1/batchOrders')).toBe(true);
    expect(exempt({ batchOrders: JSON.stringify([...reducing, { side: 'BUY' }]) }, '/fapi/v1/batchOrders')).toBe(false);
    expect(exempt({ batchOrders: '[]' }, '/fapi/v1/batchOrders')).toBe(false);
    expect(exempt({ batchOrders: 'not json' }, '/fapi/v1/batchOrders')).toBe(false);
    expect(exempt({ batchOrders: '[1,2]' }, '/fapi/v1/batchOrders')).toBe(false);
  });

  it('covers only order placement, never other endpoints or methods', () => {
    expect(usdm.isOverloadExempt('PUT', '/fapi/v1/order', { side: 'SELL', reduceOnly: 'true' })).toBe(false);
    expect(usdm.isOverloadExempt('PUT', '/fapi/v1/batchOrders', { closePosition: 'true' })).toBe(false);
    expect(usdm.isOverloadExempt('POST', '/fapi/v1/leverage', { closePosition: 'true' })).toBe(false);
    expect(usdm.isOverloadExempt('POST', '/fapi/v1/order')).toBe(false);
  });
});

describe('defineProfile', () => {
  it('refuses a profile whose special endpoint its own table lacks', async () => {
    const { defineProfile } = await import('./ApiProfile.ts');
    expect(() => defineProfile({ ...usdm, special: { ...usdm.special, time: 'GET /fapi/v1/tme' } })).toThrow(
      /profile usdm: special endpoint "GET \/fapi\/v1\/tme" is not in its endpoint table/,
    );
  });
});
