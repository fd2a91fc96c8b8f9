import { describe, expect, it } from 'vitest';
import table from '../../data/endpoints.json' with { type: 'json' };
import { createEndpointTable, endpointKey, endpointTable } from './endpointTable.ts';
import { weightOf } from './weightOf.ts';

describe('endpointTable', () => {
  it('holds every entry of data/endpoints.json keyed by "METHOD path"', () => {
    expect(endpointTable.size).toBe(table.length);
    expect(endpointTable.size).toBe(48);
    for (const entry of table) {
      expect(endpointTable.get(`${entry.method} ${entry.path}`)?.weight).toBe(entry.weight);
    }
  });

  it('gives every entry a weight that weightOf can compute without parameters', () => {
    for (const [key, spec] of endpointTable) {
      const [method = '', path = ''] = key.split(' ');
      const w = weightOf(method, path);
      expect(w.known).toBe(true);
      expect(w.weight).toBeGreaterThan(0);
      expect(w.signed).toBe(spec.security === 'SIGNED');
    }
  });
});

describe('endpointKey', () => {
  it('normalises the method and path', () => {
    expect(endpointKey('get', 'https://api.binance.com/api/v3/depth?limit=5')).toBe('GET /api/v3/depth');
  });
});

describe('createEndpointTable', () => {
  it('replaces, merges, adds and removes entries without touching the base table', () => {
    const patched = createEndpointTable({
      'GET /api/v3/klines': 4,
      'get /api/v3/depth': { rule: { type: 'ranges', param: 'limit', default: 100, ranges: [[1, 5000, 1]] } },
      'GET /api/v3/brandNew': { weight: 9, security: 'SIGNED', unfilledOrderCount: 1 },
      'GET /api/v3/ping': null,
    });
    expect(weightOf('GET', '/api/v3/klines', {}, patched).weight).toBe(4);
    expect(weightOf('GET', '/api/v3/depth', { limit: 5000 }, patched).weight).toBe(1);
    expect(weightOf('GET', '/api/v3/brandNew', {}, patched)).toMatchObject({ weight: 9, orders: 1, signed: true });
    expect(weightOf('GET', '/api/v3/ping', {}, patched).known).toBe(false);
    expect(weightOf('GET', '/api/v3/depth', { limit: 5000 }).weight).toBe(250);
    expect(endpointTable.has('GET /api/v3/ping')).toBe(true);
  });

  it('accepts full entries as an array', () => {
    const patched = createEndpointTable([{ method: 'get', path: '/api/v3/time', weight: 3, security: 'NONE' }]);
    expect(patched.get('GET /api/v3/time')?.weight).toBe(3);
  });

  it('rejects bad entries with an error naming them', () => {
    expect(() => createEndpointTable({ 'GET /api/v3/klines': -1 })).toThrow(
      /overrides\["GET \/api\/v3\/klines"\]\.weight .* got -1/,
    );
    expect(() => createEndpointTable({ nospace: 1 })).toThrow(TypeError);
    expect(() => createEndpointTable({ 'GET /api/v3/x': { weight: 1, rule: { type: 'bogus' } as never } })).toThrow(
      /rule\.type .* got "bogus"/,
    );
    expect(() => createEndpointTable([{ method: 'GET', path: '/x', weight: Number.NaN, security: 'NONE' }])).toThrow(
      RangeError,
    );
  });
});

describe('createEndpointTable with futures fields', () => {
  it('rejects malformed order counts and own limits with an error naming them', () => {
    const order = { method: 'POST', path: '/fapi/v1/order', weight: 0, security: 'SIGNED' };
    expect(() => createEndpointTable([{ ...order, orderRateLimit: { '10S': -1 } }])).toThrow(
      /orderRateLimit\["10S"\] .* got -1/,
    );
    expect(() => createEndpointTable([{ ...order, orderRateLimit: { tenSeconds: 1 } }])).toThrow(/"tenSeconds"/);
    expect(() =>
      createEndpointTable([
        { ...order, ownLimit: { group: 'x', limit: 10, interval: 'WEEK' as never, intervalNum: 1 } },
      ]),
    ).toThrow(/ownLimit\.interval .* got "WEEK"/);
    expect(
      createEndpointTable([{ ...order, orderRateLimit: { '10S': 5, '1M': 1 } }]).get('POST /fapi/v1/order')
        ?.orderRateLimit,
    ).toEqual({ '10S': 5, '1M': 1 });
  });
});
