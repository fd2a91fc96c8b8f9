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

  it('drops a gateway prefix before the USDⓈ-M Futures and SAPI roots as before /api/', () => {
    expect(normalizePath('/binance-futures/fapi/v1/order')).toBe('/fapi/v1/order');
    expect(normalizePath('http://127.0.0.1:8080/binance-futures/fapi/v2/account?x=1')).toBe('/fapi/v2/account');
    expect(normalizePath('/binance-futures/futures/data/openInterestHist/')).toBe('/futures/data/openInterestHist');
    expect(normalizePath('binance-futures/fapi/v1/time')).toBe('/fapi/v1/time');
    expect(normalizePath('/gateway/sapi/v1/capital/config/getall')).toBe('/sapi/v1/capital/config/getall');
    // A prefix may hold a root's name itself: the endpoint starts at the last one.
    expect(normalizePath('/api/binance-futures/fapi/v1/order')).toBe('/fapi/v1/order');
    expect(normalizePath('/fapi/gateway/api/v3/order')).toBe('/api/v3/order');
    // COIN-M is no API the core knows: its path stays as it is.
    expect(normalizePath('/binance-futures/dapi/v1/order')).toBe('/binance-futures/dapi/v1/order');
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
