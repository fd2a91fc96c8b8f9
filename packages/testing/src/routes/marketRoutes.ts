import { ApiError } from '../http/ApiError.ts';
import { MSG } from '../http/messages.ts';
import { Market, type SymbolState } from '../market/Market.ts';
import { formatUnits } from '../params/Decimal.ts';
import { readEnum, readInt } from '../params/readParams.ts';
import type { Route, RouteContext } from './Route.ts';

const DAY = 86_400_000;
const WEEK_OFFSET = 4 * DAY; // 1970-01-01 was a Thursday; kline weeks start on Monday.
const KLINE_MS: Record<string, number> = {
  '1s': 1000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': DAY,
  '3d': 3 * DAY,
  '1w': 7 * DAY,
  '1M': 0, // calendar months, handled apart
};

function klineOpen(interval: string, t: number, step: number): number {
  if (interval === '1M') {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + step, 1);
  }
  const ms = KLINE_MS[interval]!;
  const offset = interval === '1w' ? WEEK_OFFSET : 0;
  return Math.floor((t - offset) / ms) * ms + offset + step * ms;
}

/** Klines of the last price (flat candles), answered for `GET .../klines`; `maxLimit` is the API's cap on `limit`. */
export function klines(ctx: RouteContext, maxLimit = 1000): unknown[] {
  const s = ctx.market.require(ctx.params.symbol!);
  const interval = ctx.params.interval!;
  if (!(interval in KLINE_MS)) throw ApiError.bad(-1120, MSG.invalidInterval);
  const limit = readInt(ctx.params, 'limit', 1, maxLimit) ?? 500;
  const start = readInt(ctx.params, 'startTime', 0, Number.MAX_SAFE_INTEGER);
  const end = Math.min(readInt(ctx.params, 'endTime', 0, Number.MAX_SAFE_INTEGER) ?? ctx.t, ctx.t);
  const opens: number[] = [];
  if (start !== undefined) {
    let open = klineOpen(interval, start, 0);
    if (open < start) open = klineOpen(interval, start, 1);
    while (opens.length < limit && open <= end) {
      opens.push(open);
      open = klineOpen(interval, open, 1);
    }
  } else {
    for (let i = 0; i < limit; i++) opens.unshift(klineOpen(interval, end, -i));
  }
  const p = formatUnits(s.price);
  const zero = formatUnits(0n);
  return opens.map((open) => [open, p, p, p, p, zero, klineOpen(interval, open, 1) - 1, zero, 0, zero, zero, '0']);
}

function depth(ctx: RouteContext): unknown {
  const s = ctx.market.require(ctx.params.symbol!);
  const limit = Math.min(readInt(ctx.params, 'limit', 1, Number.MAX_SAFE_INTEGER) ?? 100, 5000);
  return bookAround(ctx, s, limit);
}

/** A synthetic order book around the last price, `limit` levels a side (capped at 100 to keep answers small). */
export function bookAround(ctx: RouteContext, s: SymbolState, limit: number): Record<string, unknown> {
  const levels = Math.min(limit, 100);
  const qty = formatUnits(100_000_000n);
  const bids: [string, string][] = [];
  const asks: [string, string][] = [];
  for (let i = 1; i <= levels; i++) {
    const bid = s.price - s.tickSize * BigInt(i);
    if (bid > 0n) bids.push([formatUnits(bid), qty]);
    asks.push([formatUnits(s.price + s.tickSize * BigInt(i)), qty]);
  }
  return { lastUpdateId: ctx.engine.updateId, bids, asks };
}

function each<T>(ctx: RouteContext, render: (s: SymbolState) => T): T | T[] {
  const { list, single } = ctx.market.select(ctx.params.symbol, ctx.params.symbols);
  return single ? render(list[0]!) : list.map(render);
}

function ticker24hr(ctx: RouteContext): unknown {
  const type =
    readEnum(ctx.params, 'type', ['FULL', 'MINI'], () => ApiError.bad(-1139, MSG.invalidTickerType)) ?? 'FULL';
  const zero = formatUnits(0n);
  return each(ctx, (s) => {
    const p = formatUnits(s.price);
    const window = { openTime: ctx.t - DAY, closeTime: ctx.t, firstId: -1, lastId: -1, count: 0 };
    if (type === 'MINI') {
      const symbol = s.info.symbol;
      return {
        symbol,
        openPrice: p,
        highPrice: p,
        lowPrice: p,
        lastPrice: p,
        volume: zero,
        quoteVolume: zero,
        ...window,
      };
    }
    return {
      symbol: s.info.symbol,
      priceChange: zero,
      priceChangePercent: '0.000',
      weightedAvgPrice: p,
      prevClosePrice: p,
      lastPrice: p,
      lastQty: zero,
      bidPrice: formatUnits(s.price - s.tickSize),
      bidQty: formatUnits(100_000_000n),
      askPrice: formatUnits(s.price + s.tickSize),
      askQty: formatUnits(100_000_000n),
      openPrice: p,
      highPrice: p,
      lowPrice: p,
      volume: zero,
      quoteVolume: zero,
      ...window,
    };
  });
}

const TICKER_PARAMS = ['symbol', 'symbols', 'symbolStatus'] as const;

/** Public market-data endpoints. */
export const marketRoutes: readonly Route[] = [
  { method: 'GET', path: '/api/v3/ping', security: 'NONE', params: [], mandatory: [], handle: () => ({}) },
  {
    method: 'GET',
    path: '/api/v3/time',
    security: 'NONE',
    params: [],
    mandatory: [],
    handle: (ctx) => ({ serverTime: ctx.t }),
  },
  {
    method: 'GET',
    path: '/api/v3/exchangeInfo',
    security: 'NONE',
    params: ['symbol', 'symbols', 'permissions', 'showPermissionSets', 'symbolStatus'],
    mandatory: [],
    handle: (ctx) => ({
      timezone: 'UTC',
      serverTime: ctx.t,
      rateLimits: ctx.limits.map((l) => l.public),
      exchangeFilters: [],
      symbols: ctx.market.select(ctx.params.symbol, ctx.params.symbols).list.map(Market.describe),
    }),
  },
  {
    method: 'GET',
    path: '/api/v3/depth',
    security: 'NONE',
    params: ['symbol', 'limit', 'symbolStatus'],
    mandatory: ['symbol'],
    handle: depth,
  },
  {
    method: 'GET',
    path: '/api/v3/klines',
    security: 'NONE',
    params: ['symbol', 'interval', 'startTime', 'endTime', 'timeZone', 'limit'],
    mandatory: ['symbol', 'interval'],
    handle: klines,
  },
  {
    method: 'GET',
    path: '/api/v3/uiKlines',
    security: 'NONE',
    params: ['symbol', 'interval', 'startTime', 'endTime', 'timeZone', 'limit'],
    mandatory: ['symbol', 'interval'],
    handle: klines,
  },
  {
    method: 'GET',
    path: '/api/v3/avgPrice',
    security: 'NONE',
    params: ['symbol'],
    mandatory: ['symbol'],
    handle: (ctx) => ({
      mins: 5,
      price: formatUnits(ctx.market.require(ctx.params.symbol!).price),
      closeTime: ctx.t,
    }),
  },
  {
    method: 'GET',
    path: '/api/v3/ticker/price',
    security: 'NONE',
    params: TICKER_PARAMS,
    mandatory: [],
    handle: (ctx) => each(ctx, (s) => ({ symbol: s.info.symbol, price: formatUnits(s.price) })),
  },
  {
    method: 'GET',
    path: '/api/v3/ticker/bookTicker',
    security: 'NONE',
    params: TICKER_PARAMS,
    mandatory: [],
    handle: (ctx) =>
      each(ctx, (s) => ({
        symbol: s.info.symbol,
        bidPrice: formatUnits(s.price - s.tickSize),
        bidQty: formatUnits(100_000_000n),
        askPrice: formatUnits(s.price + s.tickSize),
        askQty: formatUnits(100_000_000n),
      })),
  },
  {
    method: 'GET',
    path: '/api/v3/ticker/24hr',
    security: 'NONE',
    params: [...TICKER_PARAMS, 'type'],
    mandatory: [],
    handle: ticker24hr,
  },
];
