import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeExchange } from '../createFakeExchange.ts';
import type { FakeExchange } from '../FakeExchange.ts';
import { TestClient } from '../testClient.ts';

const T = Date.UTC(2026, 2, 15, 12, 34, 56, 789);

interface SymbolInfo {
  symbol: string;
  filters: { filterType: string }[];
}

describe('Market (through the market-data endpoints)', () => {
  let ex: FakeExchange;
  let client: TestClient;

  beforeAll(async () => {
    ex = await createFakeExchange({ now: () => T, prices: { ETHBTC: '0.04' } });
    client = new TestClient(ex);
  });
  beforeEach(() => ex.reset());
  afterAll(() => ex.close());

  it('answers ping and time', async () => {
    expect((await client.get('/api/v3/ping')).data).toEqual({});
    expect((await client.get('/api/v3/time')).data).toEqual({ serverTime: T });
  });

  it('lists BTCUSDT, ETHUSDT and ETHBTC with PRICE_FILTER, LOT_SIZE and NOTIONAL, and the rate limits', async () => {
    const info = (await client.get('/api/v3/exchangeInfo')).data as {
      timezone: string;
      serverTime: number;
      rateLimits: unknown[];
      symbols: SymbolInfo[];
    };
    expect(info.timezone).toBe('UTC');
    expect(info.serverTime).toBe(T);
    expect(info.rateLimits).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 160000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 300000 },
    ]);
    expect(info.symbols.map((s) => s.symbol)).toEqual(expect.arrayContaining(['BTCUSDT', 'ETHUSDT', 'ETHBTC']));
    for (const s of info.symbols) {
      expect(s.filters.map((f) => f.filterType)).toEqual(['PRICE_FILTER', 'LOT_SIZE', 'NOTIONAL']);
    }
    expect(info.symbols[0]?.filters[0]).toEqual({
      filterType: 'PRICE_FILTER',
      minPrice: '0.01000000',
      maxPrice: '1000000.00000000',
      tickSize: '0.01000000',
    });
    const one = (await client.get('/api/v3/exchangeInfo', { symbol: 'ETHBTC' })).data as { symbols: SymbolInfo[] };
    expect(one.symbols.map((s) => s.symbol)).toEqual(['ETHBTC']);
  });

  it('answers -1121 for an unknown symbol', async () => {
    for (const path of ['/api/v3/depth', '/api/v3/ticker/price', '/api/v3/ticker/24hr', '/api/v3/avgPrice']) {
      const r = await client.get(path, { symbol: 'NOPE' });
      expect([path, r.status, r.data]).toEqual([path, 400, { code: -1121, msg: 'Invalid symbol.' }]);
    }
  });

  it('validates the symbols list', async () => {
    expect((await client.get('/api/v3/ticker/price', { symbols: '["BTCUSDT","BTCUSDT"]' })).code).toBe(-1151);
    expect((await client.get('/api/v3/ticker/price', { symbols: 'BTCUSDT' })).code).toBe(-1100);
    expect((await client.get('/api/v3/ticker/price', { symbol: 'BTCUSDT', symbols: '["BTCUSDT"]' })).code).toBe(-1128);
  });

  it('answers tickers for one symbol, a list, or all', async () => {
    expect((await client.get('/api/v3/ticker/price', { symbol: 'ETHBTC' })).data).toEqual({
      symbol: 'ETHBTC',
      price: '0.04000000',
    });
    ex.setPrice('BTCUSDT', '65000.5');
    const list = await client.get('/api/v3/ticker/price', { symbols: '["ETHUSDT","BTCUSDT"]' });
    expect(list.data).toEqual([
      { symbol: 'ETHUSDT', price: '3000.00000000' },
      { symbol: 'BTCUSDT', price: '65000.50000000' },
    ]);
    const all = (await client.get('/api/v3/ticker/24hr')).data as { symbol: string; lastPrice: string }[];
    expect(all.length).toBeGreaterThanOrEqual(3);
    const mini = (await client.get('/api/v3/ticker/24hr', { symbol: 'BTCUSDT', type: 'MINI' })).data;
    expect(mini).toMatchObject({ symbol: 'BTCUSDT', lastPrice: '65000.50000000', closeTime: T });
    expect(mini).not.toHaveProperty('priceChange');
    expect((await client.get('/api/v3/ticker/24hr', { symbol: 'BTCUSDT' })).data).toHaveProperty('priceChange');
  });

  it('answers a depth of up to `limit` levels around the last price', async () => {
    const d = (await client.get('/api/v3/depth', { symbol: 'BTCUSDT', limit: 5 })).data as {
      bids: string[][];
      asks: string[][];
    };
    expect(d.bids).toHaveLength(5);
    expect(d.bids[0]).toEqual(['59999.99000000', '1.00000000']);
    expect(d.asks[0]).toEqual(['60000.01000000', '1.00000000']);
  });

  it('answers klines aligned to the interval, newest last, and -1120 for a bad interval', async () => {
    const k = (await client.get('/api/v3/klines', { symbol: 'BTCUSDT', interval: '1h', limit: 3 })).data as number[][];
    const hour = 3_600_000;
    const last = Math.floor(T / hour) * hour;
    expect(k.map((c) => c[0])).toEqual([last - 2 * hour, last - hour, last]);
    expect(k[0]?.[6]).toBe(last - hour - 1);
    expect(k[0]?.slice(1, 5)).toEqual(['60000.00000000', '60000.00000000', '60000.00000000', '60000.00000000']);
    const from = (
      await client.get('/api/v3/klines', { symbol: 'BTCUSDT', interval: '1M', startTime: Date.UTC(2025, 11, 15) })
    ).data as number[][];
    expect(from.map((c) => c[0])).toEqual([Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 1)]);
    const week = (await client.get('/api/v3/klines', { symbol: 'BTCUSDT', interval: '1w', limit: 1 }))
      .data as number[][];
    expect(new Date(week[0]![0]!).getUTCDay()).toBe(1);
    expect((await client.get('/api/v3/klines', { symbol: 'BTCUSDT', interval: '7m' })).data).toEqual({
      code: -1120,
      msg: 'Invalid interval.',
    });
  });

  it('rejects bad symbol configuration and prices naming the field', async () => {
    await expect(createFakeExchange({ prices: { NOPE: '1' } })).rejects.toThrow(/prices\.NOPE/);
    await expect(
      createFakeExchange({
        symbols: [
          {
            symbol: 'XY',
            baseAsset: 'X',
            quoteAsset: 'Y',
            price: 'abc',
            minPrice: '0',
            maxPrice: '1',
            tickSize: '1',
            minQty: '0',
            maxQty: '1',
            stepSize: '1',
            minNotional: '0',
            maxNotional: '1',
          },
        ],
      }),
    ).rejects.toThrow(/XY\.price/);
    expect(() => ex.setPrice('BTCUSDT', '0')).toThrow(RangeError);
  });
});
