import { ApiError } from '../http/ApiError.ts';
import { eitherParam, invalidParamData, MSG } from '../http/messages.ts';
import type { OrderRef } from '../orders/MatchingEngine.ts';
import { cancelJson, orderJson, placementJson } from '../orders/orderJson.ts';
import { parseNewOrder } from '../orders/parseNewOrder.ts';
import type { Params } from '../params/Params.ts';
import { readEnum, readInt } from '../params/readParams.ts';
import type { Route, RouteContext } from './Route.ts';

const ORDER_PARAMS = [
  'symbol',
  'side',
  'type',
  'timeInForce',
  'quantity',
  'quoteOrderQty',
  'price',
  'newClientOrderId',
  'strategyId',
  'strategyType',
  'stopPrice',
  'trailingDelta',
  'icebergQty',
  'newOrderRespType',
  'selfTradePreventionMode',
  'pegPriceType',
  'pegOffsetValue',
  'pegOffsetType',
] as const;

const ZERO_RATES = { maker: '0.00000000', taker: '0.00000000' };

function ref(params: Params, idName: string, clientIdName: string): OrderRef {
  const orderId = readInt(params, idName, 0, Number.MAX_SAFE_INTEGER);
  const origClientOrderId = params[clientIdName] || undefined;
  if (orderId === undefined && origClientOrderId === undefined)
    throw ApiError.bad(-1102, eitherParam(idName, clientIdName));
  return { orderId, origClientOrderId };
}

function placeOrder(ctx: RouteContext): unknown {
  const req = parseNewOrder(ctx.params, ctx.market);
  ctx.market.checkFilters(req.symbol, req.price, req.quantity);
  // Counted only now: rejections before the matching engine (parameters, filters) do not add to the order count.
  ctx.chargeOrders(1);
  const { order, fills } = ctx.engine.place(ctx.book!, req, ctx.t);
  if (fills.length > 0) ctx.filled(1);
  return placementJson(order, fills, req.respType);
}

function errorBody(e: unknown): { code: number; msg: string } {
  if (e instanceof ApiError) return { code: e.code, msg: e.msg };
  throw e;
}

/**
 * POST /api/v3/order/cancelReplace with the documented outcomes: 200 when both halves succeed, 409 -2021
 * when exactly one fails, 400 -2022 when both fail or the cancel fails under STOP_ON_FAILURE (new order NOT_ATTEMPTED,
 * `newOrderResponse: null`). Filter failures of the new order are reported inside `data`, as a failed new order.
 * The order count grows by 1 even when the new order is not attempted.
 */
function cancelReplace(ctx: RouteContext): unknown {
  const p = ctx.params;
  const mode = readEnum(p, 'cancelReplaceMode', ['STOP_ON_FAILURE', 'ALLOW_FAILURE'], () =>
    ApiError.bad(-1130, invalidParamData('cancelReplaceMode')),
  )!;
  const rateMode =
    readEnum(p, 'orderRateLimitExceededMode', ['DO_NOTHING', 'CANCEL_ONLY'], () =>
      ApiError.bad(-1130, invalidParamData('orderRateLimitExceededMode')),
    ) ?? 'DO_NOTHING';
  const cancelRef = ref(p, 'cancelOrderId', 'cancelOrigClientOrderId');
  const req = parseNewOrder(p, ctx.market);
  const book = ctx.book!;

  let rateLimited: { code: number; msg: string } | undefined;
  try {
    ctx.chargeOrders(1);
  } catch (e) {
    if (rateMode === 'DO_NOTHING') throw e;
    rateLimited = errorBody(e);
  }

  let cancelResponse: unknown;
  let cancelOk = true;
  try {
    const o = ctx.engine.cancel(book, req.symbol.info.symbol, cancelRef, ctx.t);
    cancelResponse = cancelJson(o, p.cancelNewClientOrderId || ctx.engine.clientOrderId(), ctx.t);
  } catch (e) {
    cancelOk = false;
    cancelResponse = errorBody(e);
  }
  if (!cancelOk && mode === 'STOP_ON_FAILURE') {
    throw new ApiError(400, -2022, MSG.cancelReplaceFailed, {
      cancelResult: 'FAILURE',
      newOrderResult: 'NOT_ATTEMPTED',
      cancelResponse,
      newOrderResponse: null,
    });
  }

  let newOrderResponse: unknown;
  let newOk = false;
  if (rateLimited) newOrderResponse = rateLimited;
  else {
    try {
      ctx.market.checkFilters(req.symbol, req.price, req.quantity);
      const { order, fills } = ctx.engine.place(book, req, ctx.t);
      if (fills.length > 0) ctx.filled(1);
      newOrderResponse = placementJson(order, fills, req.respType);
      newOk = true;
    } catch (e) {
      newOrderResponse = errorBody(e);
    }
  }
  const result = (ok: boolean) => (ok ? 'SUCCESS' : 'FAILURE');
  const data = { cancelResult: result(cancelOk), newOrderResult: result(newOk), cancelResponse, newOrderResponse };
  if (cancelOk && newOk) return data;
  if (cancelOk || newOk) throw new ApiError(409, -2021, MSG.cancelReplacePartial, data);
  throw new ApiError(400, -2022, MSG.cancelReplaceFailed, data);
}

/** Trading endpoints (all SIGNED). */
export const orderRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/api/v3/order',
    security: 'SIGNED',
    params: ORDER_PARAMS,
    mandatory: ['symbol', 'side', 'type'],
    handle: placeOrder,
  },
  {
    method: 'POST',
    path: '/api/v3/order/test',
    security: 'SIGNED',
    params: [...ORDER_PARAMS, 'computeCommissionRates'],
    mandatory: ['symbol', 'side', 'type'],
    handle: (ctx) => {
      const req = parseNewOrder(ctx.params, ctx.market);
      ctx.market.checkFilters(req.symbol, req.price, req.quantity);
      if (ctx.params.computeCommissionRates !== 'true') return {};
      return {
        standardCommissionForOrder: ZERO_RATES,
        specialCommissionForOrder: ZERO_RATES,
        taxCommissionForOrder: ZERO_RATES,
        discount: { enabledForAccount: false, enabledForSymbol: false, discountAsset: 'BNB', discount: '0.00000000' },
      };
    },
  },
  {
    method: 'GET',
    path: '/api/v3/order',
    security: 'SIGNED',
    params: ['symbol', 'orderId', 'origClientOrderId'],
    mandatory: ['symbol'],
    handle: (ctx) => {
      const r = ref(ctx.params, 'orderId', 'origClientOrderId');
      const s = ctx.market.require(ctx.params.symbol!);
      const o = ctx.engine.find(ctx.book!, s.info.symbol, r);
      if (!o) throw ApiError.bad(-2013, MSG.noSuchOrder);
      return orderJson(o);
    },
  },
  {
    method: 'DELETE',
    path: '/api/v3/order',
    security: 'SIGNED',
    params: ['symbol', 'orderId', 'origClientOrderId', 'newClientOrderId', 'cancelRestrictions'],
    mandatory: ['symbol'],
    handle: (ctx) => {
      const r = ref(ctx.params, 'orderId', 'origClientOrderId');
      const s = ctx.market.require(ctx.params.symbol!);
      const o = ctx.engine.cancel(ctx.book!, s.info.symbol, r, ctx.t);
      return cancelJson(o, ctx.params.newClientOrderId || ctx.engine.clientOrderId(), ctx.t);
    },
  },
  {
    method: 'GET',
    path: '/api/v3/openOrders',
    security: 'SIGNED',
    params: ['symbol'],
    mandatory: [],
    handle: (ctx) => {
      const symbol = ctx.params.symbol ? ctx.market.require(ctx.params.symbol).info.symbol : undefined;
      return ctx.book!.openOrders(symbol).map(orderJson);
    },
  },
  {
    method: 'DELETE',
    path: '/api/v3/openOrders',
    security: 'SIGNED',
    params: ['symbol'],
    mandatory: ['symbol'],
    handle: (ctx) => {
      const symbol = ctx.market.require(ctx.params.symbol!).info.symbol;
      const open = ctx.book!.openOrders(symbol);
      if (open.length === 0) throw ApiError.bad(-2011, MSG.unknownOrder);
      return open.map((o) => {
        ctx.engine.cancel(ctx.book!, symbol, { orderId: o.orderId, origClientOrderId: undefined }, ctx.t);
        return cancelJson(o, ctx.engine.clientOrderId(), ctx.t);
      });
    },
  },
  {
    method: 'GET',
    path: '/api/v3/allOrders',
    security: 'SIGNED',
    params: ['symbol', 'orderId', 'startTime', 'endTime', 'limit'],
    mandatory: ['symbol'],
    handle: (ctx) => {
      const symbol = ctx.market.require(ctx.params.symbol!).info.symbol;
      const fromId = readInt(ctx.params, 'orderId', 0, Number.MAX_SAFE_INTEGER) ?? 0;
      const start = readInt(ctx.params, 'startTime', 0, Number.MAX_SAFE_INTEGER) ?? 0;
      const end = readInt(ctx.params, 'endTime', 0, Number.MAX_SAFE_INTEGER) ?? Number.MAX_SAFE_INTEGER;
      const limit = readInt(ctx.params, 'limit', 1, 1000) ?? 500;
      return [...ctx.book!.orders.values()]
        .filter((o) => o.symbol === symbol && o.orderId >= fromId && o.time >= start && o.time <= end)
        .slice(0, limit)
        .map(orderJson);
    },
  },
  {
    method: 'POST',
    path: '/api/v3/order/cancelReplace',
    security: 'SIGNED',
    params: [
      ...ORDER_PARAMS,
      'cancelReplaceMode',
      'cancelNewClientOrderId',
      'cancelOrigClientOrderId',
      'cancelOrderId',
      'cancelRestrictions',
      'orderRateLimitExceededMode',
    ],
    mandatory: ['symbol', 'side', 'type', 'cancelReplaceMode'],
    handle: cancelReplace,
  },
];
