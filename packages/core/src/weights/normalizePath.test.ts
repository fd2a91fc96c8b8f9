import { describe, expect, it } from 'vitest';
import { normalizePath, queryOf } from './normalizePath.ts';

describe('normalizePath', () => {
  it('reduces URLs, prefixes, query strings and trailing slashes to the /api/v3 pathname', () => {
    expect(normalizePath('https://api.binance.com/api/v3/depth?symbol=BTCUSDT#x')).toBe('/api/v3/depth');
    expect(normalizePath(new URL('https://testnet.binance.vision/api/v3/order?x=1'))).toBe('/api/v3/order');
    expect(normalizePath('/gateway/binance/api/v3/ticker/price')).toBe('/api/v3/ticker/price');
    expect(normalizePath('api/v3/time')).toBe('/api/v3/time');
    expect(normalizePath('/api/v3/time/')).toBe('/api/v3/time');
    expect(normalizePath('https://api.binance.com')).toBe('/');
    expect(normalizePath('/sapi/v1/capital/config/getall')).toBe('/sapi/v1/capital/config/getall');
    expect(normalizePath('other')).toBe('/other');
  });
});

describe('queryOf', () => {
  it('returns the query string without ? and fragment', () => {
    expect(queryOf('/api/v3/depth?limit=5#frag')).toBe('limit=5');
    expect(queryOf('/api/v3/depth')).toBeUndefined();
    expect(queryOf(new URL('https://x/api?a=1'))).toBe('a=1');
    expect(queryOf(new URL('https://x/api'))).toBeUndefined();
  });
});
