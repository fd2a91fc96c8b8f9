import { describe, expect, it } from 'vitest';
import usdmEndpoints from '../../data/usdm/endpoints.json' with { type: 'json' };
import { usdmEndpointTable } from './usdmEndpoints.generated.ts';
import { weightOf } from './weightOf.ts';

const upstream = usdmEndpoints.endpoints;

describe('usdmEndpointTable', () => {
  it('holds every listed futures endpoint with the weight the docs state', () => {
    expect(usdmEndpointTable.size).toBe(upstream.length);
    for (const entry of upstream) {
      const spec = usdmEndpointTable.get(`${entry.method} ${entry.path}`);
      expect(spec, `${entry.method} ${entry.path}`).toBeDefined();
      if (entry.weight !== undefined) expect(spec!.weight, `${entry.method} ${entry.path}`).toBe(entry.weight);
      expect(spec!.security).toBe(entry.security);
    }
  });

  it('charges futures weights, not Spot ones', () => {
    const w = (method: string, path: string, params?: Record<string, unknown>) =>
      weightOf(method, path, params, usdmEndpointTable).weight;
    expect(w('GET', '/fapi/v1/exchangeInfo')).toBe(1);
    expect(w('GET', '/fapi/v1/depth')).toBe(10);
    expect(w('GET', '/fapi/v1/depth', { limit: 5 })).toBe(2);
    expect(w('GET', '/fapi/v1/depth', { limit: 100 })).toBe(5);
    expect(w('GET', '/fapi/v1/depth', { limit: 1000 })).toBe(20);
    expect(w('GET', '/fapi/v1/klines', { limit: 99 })).toBe(1);
    expect(w('GET', '/fapi/v1/klines', { limit: 100 })).toBe(2);
    expect(w('GET', '/fapi/v1/klines')).toBe(5);
    expect(w('GET', '/fapi/v1/klines', { limit: 1500 })).toBe(10);
    expect(w('GET', '/fapi/v1/ticker/price', { symbol: 'BTCUSDT' })).toBe(1);
    expect(w('GET', '/fapi/v1/ticker/price')).toBe(2);
    expect(w('GET', '/fapi/v1/ticker/24hr')).toBe(40);
    expect(w('GET', '/fapi/v1/openOrders', { symbol: 'BTCUSDT' })).toBe(1);
    expect(w('GET', '/fapi/v1/openOrders')).toBe(40);
    expect(w('GET', '/fapi/v2/positionRisk')).toBe(5);
    expect(w('GET', '/fapi/v2/account')).toBe(5);
    expect(w('DELETE', '/fapi/v1/order')).toBe(1);
    expect(w('GET', 'https://fapi.binance.com/fapi/v1/order?symbol=BTCUSDT&orderId=1')).toBe(1);
  });

  it('counts orders per limiter: 1 and 1 for a single order, 5 per 10 s and 1 per minute for a batch', () => {
    expect(weightOf('POST', '/fapi/v1/order', {}, usdmEndpointTable)).toMatchObject({
      weight: 0,
      orders: 1,
      ordersByInterval: { '10S': 1, '1M': 1 },
      signed: true,
    });
    expect(weightOf('POST', '/fapi/v1/batchOrders', {}, usdmEndpointTable)).toMatchObject({
      weight: 5,
      orders: 5,
      ordersByInterval: { '10S': 5, '1M': 1 },
    });
    expect(weightOf('DELETE', '/fapi/v1/order', {}, usdmEndpointTable).orders).toBe(0);
  });

  it('fills the weights the docs leave out, and keeps the separate per-IP limits apart', () => {
    expect(usdmEndpointTable.get('POST /fapi/v1/order/test')?.weight).toBe(1);
    expect(usdmEndpointTable.get('GET /fapi/v1/fundingRate')).toMatchObject({
      weight: 0,
      ownLimit: { group: 'GET /fapi/v1/fundingInfo + GET /fapi/v1/fundingRate', limit: 500, intervalNum: 5 },
    });
    expect(usdmEndpointTable.get('GET /fapi/v1/fundingInfo')?.ownLimit?.group).toBe(
      usdmEndpointTable.get('GET /fapi/v1/fundingRate')?.ownLimit?.group,
    );
    expect(usdmEndpointTable.get('GET /futures/data/basis')?.ownLimit).toBeUndefined();
    expect(usdmEndpointTable.get('GET /futures/data/openInterestHist')?.ownLimit).toMatchObject({
      group: 'GET /futures/data/openInterestHist',
      limit: 1000,
      interval: 'MINUTE',
    });
  });
});
