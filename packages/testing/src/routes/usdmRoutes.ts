import type { CancelCountdowns } from '../futures/CancelCountdowns.ts';
import type { FuturesEngine } from '../futures/FuturesEngine.ts';
import {
  futuresAccountJson,
  futuresBalanceJson,
  futuresOrderAnswer,
  futuresOrderJson,
  positionJson,
} from '../futures/futuresJson.ts';
import {
  FUTURES_MODIFY_PARAMS,
  FUTURES_ORDER_PARAMS,
  parseFuturesModify,
  parseFuturesOrder,
} from '../futures/parseFuturesOrder.ts';
import { ApiError } from '../http/ApiError.ts';
import { eitherParam, invalidParamData, MSG, mandatoryParam } from '../http/messages.ts';
import { invalidBatchSize, invalidDepthLimit } from '../http/usdmMessages.ts';
import { Market, type SymbolState } from '../market/Market.ts';
import type { OrderRef } from '../orders/MatchingEngine.ts';
import { formatUnits } from '../params/Decimal.ts';
import { emptyParams, type Params } from '../params/Params.ts';
import { readInt } from '../params/readParams.ts';
import { bookAround, klines } from './marketRoutes.ts';
import type { Route, RouteContext } from './Route.ts';

const DEPTH_LIMITS = new Set(['5', '10', '20', '50', '100', '500', '1000']);
const KLINE_PARAMS = ['symbol', 'interval', 'startTime', 'endTime', 'limit'];

function ref(params: Params): OrderRef {
  const orderId = readInt(params, 'orderId', 0, Number.MAX_SAFE_INTEGER);
  const origClientOrderId = params.origClientOrderId || undefined;
  if (orderId === undefined && origClientOrderId === undefined) {
    throw ApiError.bad(-1102, eitherParam('orderId', 'origClientOrderId'));
  }
  return { orderId, origClientOrderId };
}

/** A JSON array parameter (`batchOrders`, `orderIdList`, …), or -1130 naming it. */
function jsonList(params: Params, name: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(params[name] ?? '');
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value)) throw ApiError.bad(-1130, invalidParamData(name));
  return value;
}

/** One order of a batch as the parameters a single order would send. */
function itemParams(item: unknown): Params {
  const params = emptyParams();
  if (item === null || typeof item !== 'object') return params;
  for (const [key, value] of Object.entries(item)) params[key] = String(value);
  return params;
}

/** The answer for one item of a batch: its own result, or the `{code,msg}` that rejected it. */
function perItem<T>(run: () => T): T | { code: number; msg: string } {
  try {
    return run();
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, msg: e.msg };
    throw e;
  }
}

/** `symbol=` answers one object, no symbol answers every symbol (futures tickers take no `symbols` list). */
function each<T>(ctx: RouteContext, render: (s: SymbolState) => T): T | T[] {
  const symbol = ctx.params.symbol;
  return symbol !== undefined ? render(ctx.market.require(symbol)) : [...ctx.market.all()].map(render);
}

function describeSymbol(s: SymbolState): Record<string, unknown> {
  const i = s.info;
  return {
    symbol: i.symbol,
    pair: i.symbol,
    contractType: 'PERPETUAL',
    status: 'TRADING',
    baseAsset: i.baseAsset,
    quoteAsset: i.quoteAsset,
    marginAsset: i.quoteAsset,
    pricePrecision: 8,
    quantityPrecision: 8,
    orderTypes: ['LIMIT', 'MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX'],
    filters: [...Market.priceAndLotFilters(s), { filterType: 'MIN_NOTIONAL', notional: formatUnits(s.minNotional) }],
  };
}

/**
 * A batch of 1 to 5 items (else -4082), each answered on its own by `run` once it names every `mandatory` parameter
 * (else its own -1102). The batch costs its documented order count once (5 per 10 s, 1 per minute), however many
 * items it holds.
 */
function eachItem(ctx: RouteContext, mandatory: readonly string[], run: (params: Params) => unknown): unknown[] {
  const items = jsonList(ctx.params, 'batchOrders');
  if (items.length === 0 || items.length > 5) throw ApiError.bad(-4082, invalidBatchSize(items.length));
  ctx.chargeOrders(1);
  return items.map((item) =>
    perItem(() => {
      const params = itemParams(item);
      for (const name of mandatory) if (!params[name]) throw ApiError.bad(-1102, mandatoryParam(name));
      return run(params);
    }),
  );
}

/**
 * The USDⓈ-M Futures endpoints the fake implements, trading through `futures`: ping, time, exchangeInfo, depth,
 * klines, ticker price (v1 and v2), order POST/PUT/GET/DELETE, batchOrders POST/PUT/DELETE, order test, openOrders,
 * allOpenOrders, the countdown that cancels them (kept by `countdowns`), account and balance (v2, v3),
 * positionRisk (v2, v3), leverage, position mode and the order rate limit.
 */
export function usdmRoutes(futures: FuturesEngine, countdowns: CancelCountdowns): readonly Route[] {
  const positions = (ctx: RouteContext, all: boolean) => {
    const a = futures.account(ctx.book!);
    const sides = futures.sides(ctx.book!);
    const symbols = ctx.params.symbol ? [ctx.market.require(ctx.params.symbol)] : [...ctx.market.all()];
    return symbols.flatMap((s) =>
      sides
        .filter((side) => all || a.position(s.info.symbol, side).amt !== 0n)
        .map((side) => positionJson(a, s.info.symbol, side, s.price)),
    );
  };
  const account = (ctx: RouteContext) =>
    futuresAccountJson(futures.account(ctx.book!), futures.markOf, positions(ctx, false), ctx.t);
  const balance = (ctx: RouteContext) => futuresBalanceJson(futures.account(ctx.book!), futures.markOf, ctx.t);
  const price = (ctx: RouteContext) =>
    each(ctx, (s) => ({ symbol: s.info.symbol, price: formatUnits(s.price), time: ctx.t }));

  return [
    { method: 'GET', path: '/fapi/v1/ping', security: 'NONE', params: [], mandatory: [], handle: () => ({}) },
    {
      method: 'GET',
      path: '/fapi/v1/time',
      security: 'NONE',
      params: [],
      mandatory: [],
      handle: (ctx) => ({ serverTime: ctx.t }),
    },
    {
      method: 'GET',
      path: '/fapi/v1/exchangeInfo',
      security: 'NONE',
      params: [],
      mandatory: [],
      handle: (ctx) => ({
        timezone: 'UTC',
        serverTime: ctx.t,
        futuresType: 'U_MARGINED',
        rateLimits: ctx.limits.map((l) => l.public),
        exchangeFilters: [],
        assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '0' }],
        symbols: [...ctx.market.all()].map(describeSymbol),
      }),
    },
    {
      method: 'GET',
      path: '/fapi/v1/depth',
      security: 'NONE',
      params: ['symbol', 'limit'],
      mandatory: ['symbol'],
      handle: (ctx) => {
        const s = ctx.market.require(ctx.params.symbol!);
        const limit = ctx.params.limit ?? '500';
        if (!DEPTH_LIMITS.has(limit)) throw ApiError.bad(-4021, invalidDepthLimit(limit));
        return { ...bookAround(ctx, s, Number(limit)), E: ctx.t, T: ctx.t };
      },
    },
    {
      method: 'GET',
      path: '/fapi/v1/klines',
      security: 'NONE',
      params: KLINE_PARAMS,
      mandatory: ['symbol', 'interval'],
      handle: (ctx) => klines(ctx, 1500),
    },
    {
      method: 'GET',
      path: '/fapi/v1/ticker/price',
      security: 'NONE',
      params: ['symbol'],
      mandatory: [],
      handle: price,
    },
    {
      method: 'GET',
      path: '/fapi/v2/ticker/price',
      security: 'NONE',
      params: ['symbol'],
      mandatory: [],
      handle: price,
    },
    {
      method: 'POST',
      path: '/fapi/v1/order',
      security: 'SIGNED',
      params: FUTURES_ORDER_PARAMS,
      mandatory: ['symbol', 'side', 'type'],
      handle: (ctx) => {
        const req = parseFuturesOrder(ctx.params, ctx.market);
        // Counted once the order reaches the matching engine: parameter and filter rejections add nothing.
        ctx.chargeOrders(1);
        return futuresOrderAnswer(futures.place(ctx.book!, req, ctx.t));
      },
    },
    {
      method: 'POST',
      path: '/fapi/v1/batchOrders',
      security: 'SIGNED',
      params: ['batchOrders'],
      mandatory: ['batchOrders'],
      handle: (ctx) =>
        eachItem(ctx, ['symbol', 'side', 'type'], (params) =>
          futuresOrderAnswer(futures.place(ctx.book!, parseFuturesOrder(params, ctx.market), ctx.t)),
        ),
    },
    {
      method: 'PUT',
      path: '/fapi/v1/order',
      security: 'SIGNED',
      params: FUTURES_MODIFY_PARAMS,
      mandatory: ['symbol', 'side'],
      handle: (ctx) => {
        const change = parseFuturesModify(ctx.params, ctx.market);
        const which = ref(ctx.params);
        // Counted like a new order once it reaches the matching engine, where an unknown order is found out.
        ctx.chargeOrders(1);
        return futuresOrderAnswer(futures.modify(ctx.book!, which, change, ctx.t));
      },
    },
    {
      method: 'PUT',
      path: '/fapi/v1/batchOrders',
      security: 'SIGNED',
      params: ['batchOrders'],
      mandatory: ['batchOrders'],
      handle: (ctx) =>
        eachItem(ctx, ['symbol', 'side'], (params) =>
          futuresOrderAnswer(futures.modify(ctx.book!, ref(params), parseFuturesModify(params, ctx.market), ctx.t)),
        ),
    },
    {
      method: 'POST',
      path: '/fapi/v1/countdownCancelAll',
      security: 'SIGNED',
      params: ['symbol', 'countdownTime'],
      mandatory: ['symbol', 'countdownTime'],
      handle: (ctx) => {
        const symbol = ctx.market.require(ctx.params.symbol!).info.symbol;
        const ms = readInt(ctx.params, 'countdownTime', 0, Number.MAX_SAFE_INTEGER)!;
        countdowns.set(ctx.book!, symbol, ms);
        return { symbol, countdownTime: String(ms) };
      },
    },
    {
      method: 'DELETE',
      path: '/fapi/v1/batchOrders',
      security: 'SIGNED',
      params: ['symbol', 'orderIdList', 'origClientOrderIdList'],
      mandatory: ['symbol'],
      handle: (ctx) => {
        const symbol = ctx.market.require(ctx.params.symbol!).info.symbol;
        const byId = ctx.params.orderIdList !== undefined;
        if (!byId && ctx.params.origClientOrderIdList === undefined) {
          throw ApiError.bad(-1102, eitherParam('orderIdList', 'origClientOrderIdList'));
        }
        const refs = jsonList(ctx.params, byId ? 'orderIdList' : 'origClientOrderIdList');
        if (refs.length > 10)
          throw ApiError.bad(-1130, invalidParamData(byId ? 'orderIdList' : 'origClientOrderIdList'));
        return refs.map((r) =>
          perItem(() => {
            const ref: OrderRef = byId
              ? { orderId: Number(r), origClientOrderId: undefined }
              : { orderId: undefined, origClientOrderId: String(r) };
            return futuresOrderAnswer(futures.cancel(ctx.book!, symbol, ref, ctx.t));
          }),
        );
      },
    },
    {
      method: 'POST',
      path: '/fapi/v1/order/test',
      security: 'SIGNED',
      params: FUTURES_ORDER_PARAMS,
      mandatory: ['symbol', 'side', 'type'],
      handle: (ctx) => {
        parseFuturesOrder(ctx.params, ctx.market);
        return {};
      },
    },
    {
      method: 'GET',
      path: '/fapi/v1/order',
      security: 'SIGNED',
      params: ['symbol', 'orderId', 'origClientOrderId'],
      mandatory: ['symbol'],
      handle: (ctx) => {
        const s = ctx.market.require(ctx.params.symbol!);
        const o = futures.find(ctx.book!, s.info.symbol, ref(ctx.params));
        if (!o) throw ApiError.bad(-2013, MSG.noSuchOrder);
        return futuresOrderJson(o);
      },
    },
    {
      method: 'DELETE',
      path: '/fapi/v1/order',
      security: 'SIGNED',
      params: ['symbol', 'orderId', 'origClientOrderId'],
      mandatory: ['symbol'],
      handle: (ctx) => {
        const s = ctx.market.require(ctx.params.symbol!);
        return futuresOrderAnswer(futures.cancel(ctx.book!, s.info.symbol, ref(ctx.params), ctx.t));
      },
    },
    {
      method: 'DELETE',
      path: '/fapi/v1/allOpenOrders',
      security: 'SIGNED',
      params: ['symbol'],
      mandatory: ['symbol'],
      handle: (ctx) => {
        futures.cancelAll(ctx.book!, ctx.market.require(ctx.params.symbol!).info.symbol, ctx.t);
        return { code: 200, msg: 'The operation of cancel all open order is done.' };
      },
    },
    {
      method: 'GET',
      path: '/fapi/v1/openOrders',
      security: 'SIGNED',
      params: ['symbol'],
      mandatory: [],
      handle: (ctx) => {
        const symbol = ctx.params.symbol ? ctx.market.require(ctx.params.symbol).info.symbol : undefined;
        return futures.account(ctx.book!).openOrders(symbol).map(futuresOrderJson);
      },
    },
    { method: 'GET', path: '/fapi/v2/account', security: 'SIGNED', params: [], mandatory: [], handle: account },
    { method: 'GET', path: '/fapi/v3/account', security: 'SIGNED', params: [], mandatory: [], handle: account },
    { method: 'GET', path: '/fapi/v2/balance', security: 'SIGNED', params: [], mandatory: [], handle: balance },
    { method: 'GET', path: '/fapi/v3/balance', security: 'SIGNED', params: [], mandatory: [], handle: balance },
    {
      method: 'GET',
      path: '/fapi/v2/positionRisk',
      security: 'SIGNED',
      params: ['symbol'],
      mandatory: [],
      handle: (ctx) => positions(ctx, true),
    },
    {
      method: 'GET',
      path: '/fapi/v3/positionRisk',
      security: 'SIGNED',
      params: ['symbol'],
      mandatory: [],
      handle: (ctx) => positions(ctx, false).map(({ leverage: _l, marginType: _m, ...p }) => p),
    },
    {
      method: 'POST',
      path: '/fapi/v1/leverage',
      security: 'SIGNED',
      params: ['symbol', 'leverage'],
      mandatory: ['symbol', 'leverage'],
      handle: (ctx) => {
        const symbol = ctx.market.require(ctx.params.symbol!).info.symbol;
        const leverage = readInt(ctx.params, 'leverage', 0, Number.MAX_SAFE_INTEGER)!;
        futures.setLeverage(ctx.book!, symbol, leverage);
        return { leverage, maxNotionalValue: '1000000000', symbol };
      },
    },
    {
      method: 'POST',
      path: '/fapi/v1/positionSide/dual',
      security: 'SIGNED',
      params: ['dualSidePosition'],
      mandatory: ['dualSidePosition'],
      handle: (ctx) => {
        const v = ctx.params.dualSidePosition!.toLowerCase();
        if (v !== 'true' && v !== 'false') throw ApiError.bad(-1130, invalidParamData('dualSidePosition'));
        futures.setDualSide(ctx.book!, v === 'true');
        return { code: 200, msg: 'success' };
      },
    },
    {
      method: 'GET',
      path: '/fapi/v1/positionSide/dual',
      security: 'SIGNED',
      params: [],
      mandatory: [],
      handle: (ctx) => ({ dualSidePosition: futures.account(ctx.book!).dualSide }),
    },
    {
      method: 'GET',
      path: '/fapi/v1/rateLimit/order',
      security: 'SIGNED',
      params: [],
      mandatory: [],
      handle: (ctx) => ctx.orderUsage().map(({ count: _c, ...limit }) => limit),
    },
  ];
}
