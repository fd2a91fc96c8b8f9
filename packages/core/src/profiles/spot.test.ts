import { describe, expect, it } from 'vitest';
import { spotCatalog } from '../catalog/catalog.ts';
import { isCancel, isExchangeInfo, isPlacement } from '../guard/endpoints.ts';
import { DEFAULT_RATE_LIMITS } from '../throttle/defaultLimits.ts';
import { endpointTable } from '../weights/endpointTable.ts';
import { spot } from './spot.ts';

describe('spot', () => {
  it('bundles today’s Spot catalog, table and limits', () => {
    expect(spot.product).toBe('spot');
    expect(spot.catalog).toBe(spotCatalog);
    expect(spot.endpoints).toBe(endpointTable);
    expect(spot.budgets[0].limits).toBe(DEFAULT_RATE_LIMITS);
    expect(spot.docsPath).toBe('errors/');
    expect(spot.resyncCodes).toEqual([-1021]);
  });

  it('treats exactly the endpoints the guard treats specially today', () => {
    for (const [method, path] of [...endpointTable.values()].map((e) => [e.method, e.path] as const)) {
      expect(spot.isCancel(method, path), `${method} ${path}`).toBe(isCancel(method, path));
      expect(spot.isPlacement(method, path), `${method} ${path}`).toBe(isPlacement(method, path));
      expect(spot.isExchangeInfo(method, path), `${method} ${path}`).toBe(isExchangeInfo(method, path));
    }
    expect(spot.special.time).toBe('GET /api/v3/time');
    expect(spot.special.orderLookup).toBe('GET /api/v3/order');
  });

  it('charges /sapi/ to its own budget, reported by the SAPI headers', () => {
    const sapi = spot.budgetFor('/sapi/v1/capital/config/getall');
    expect(sapi.name).toBe('sapi');
    expect(sapi.usedWeightHeaders).toEqual(['X-SAPI-USED-IP-WEIGHT-', 'X-SAPI-USED-UID-WEIGHT-']);
    expect(spot.budgetFor('/api/v3/order').name).toBe('api');
    expect(spot.budgetFor('/somewhere/else').name).toBe('api');
  });

  it('exempts no order from overload shedding', () => {
    expect(spot.isOverloadExempt('POST', '/api/v3/order', { side: 'SELL', reduceOnly: 'true' })).toBe(false);
  });
});
