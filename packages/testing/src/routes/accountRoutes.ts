import { tradeJson } from '../orders/orderJson.ts';
import { readInt } from '../params/readParams.ts';
import type { Route } from './Route.ts';

const ZERO = '0.00000000';

/** Account endpoints (all SIGNED). */
export const accountRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/v3/account',
    security: 'SIGNED',
    params: ['omitZeroBalances'],
    mandatory: [],
    handle: (ctx) => {
      const omitZero = ctx.params.omitZeroBalances === 'true';
      const balances = Object.entries(ctx.book!.balances())
        .filter(([, b]) => !omitZero || b.free !== ZERO || b.locked !== ZERO)
        .map(([asset, b]) => ({ asset, free: b.free, locked: b.locked }));
      return {
        makerCommission: 0,
        takerCommission: 0,
        buyerCommission: 0,
        sellerCommission: 0,
        commissionRates: { maker: ZERO, taker: ZERO, buyer: ZERO, seller: ZERO },
        canTrade: true,
        canWithdraw: true,
        canDeposit: true,
        brokered: false,
        requireSelfTradePrevention: false,
        preventSor: false,
        updateTime: ctx.t,
        accountType: 'SPOT',
        balances,
        permissions: ['SPOT'],
        uid: 0,
      };
    },
  },
  {
    method: 'GET',
    path: '/api/v3/myTrades',
    security: 'SIGNED',
    params: ['symbol', 'orderId', 'startTime', 'endTime', 'fromId', 'limit'],
    mandatory: ['symbol'],
    handle: (ctx) => {
      const symbol = ctx.market.require(ctx.params.symbol!).info.symbol;
      const orderId = readInt(ctx.params, 'orderId', 0, Number.MAX_SAFE_INTEGER);
      const fromId = readInt(ctx.params, 'fromId', 0, Number.MAX_SAFE_INTEGER) ?? 0;
      const start = readInt(ctx.params, 'startTime', 0, Number.MAX_SAFE_INTEGER) ?? 0;
      const end = readInt(ctx.params, 'endTime', 0, Number.MAX_SAFE_INTEGER) ?? Number.MAX_SAFE_INTEGER;
      const limit = readInt(ctx.params, 'limit', 1, 1000) ?? 500;
      return ctx
        .book!.trades.filter(
          (t) =>
            t.symbol === symbol &&
            (orderId === undefined || t.orderId === orderId) &&
            t.id >= fromId &&
            t.time >= start &&
            t.time <= end,
        )
        .slice(0, limit)
        .map(tradeJson);
    },
  },
  {
    method: 'GET',
    path: '/api/v3/rateLimit/order',
    security: 'SIGNED',
    params: [],
    mandatory: [],
    handle: (ctx) => ctx.orderUsage(),
  },
  {
    method: 'GET',
    path: '/api/v3/account/commission',
    security: 'SIGNED',
    params: ['symbol'],
    mandatory: ['symbol'],
    handle: (ctx) => {
      const rates = { maker: ZERO, taker: ZERO, buyer: ZERO, seller: ZERO };
      return {
        symbol: ctx.market.require(ctx.params.symbol!).info.symbol,
        standardCommission: rates,
        specialCommission: rates,
        taxCommission: rates,
        discount: { enabledForAccount: false, enabledForSymbol: false, discountAsset: 'BNB', discount: ZERO },
      };
    },
  },
];
