import { formatUnits, mulUnits } from '../params/Decimal.ts';
import { abs, type FuturesAccount } from './FuturesAccount.ts';
import type { FuturesOrderState, PositionSide } from './FuturesOrder.ts';

const ZERO = '0.00000000';

/** An order as `GET /fapi/v1/order` shows it. */
export function futuresOrderJson(o: FuturesOrderState): Record<string, unknown> {
  return {
    orderId: o.orderId,
    symbol: o.symbol,
    status: o.status,
    clientOrderId: o.clientOrderId,
    price: formatUnits(o.price),
    avgPrice: o.executedQty === 0n ? ZERO : formatUnits((o.cumQuote * 100_000_000n) / o.executedQty),
    origQty: formatUnits(o.origQty),
    executedQty: formatUnits(o.executedQty),
    cumQuote: formatUnits(o.cumQuote),
    timeInForce: o.timeInForce,
    type: o.type,
    reduceOnly: o.reduceOnly,
    closePosition: false,
    side: o.side,
    positionSide: o.positionSide,
    stopPrice: ZERO,
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    origType: o.type,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
    time: o.time,
    updateTime: o.updateTime,
  };
}

/** An order as placement and cancel answers show it: the same, with `cumQty` and without `time`. */
export function futuresOrderAnswer(o: FuturesOrderState): Record<string, unknown> {
  const { time: _time, ...rest } = futuresOrderJson(o);
  return { ...rest, cumQty: formatUnits(o.executedQty) };
}

/** One position as `GET /fapi/v2/positionRisk` shows it (the v3 answer drops `leverage` and empty positions). */
export function positionJson(
  a: FuturesAccount,
  symbol: string,
  side: PositionSide,
  mark: bigint,
): Record<string, unknown> {
  const p = a.position(symbol, side);
  const leverage = a.leverageOf(symbol);
  const notional = mulUnits(p.amt, mark);
  return {
    symbol,
    positionSide: side,
    positionAmt: formatUnits(p.amt),
    entryPrice: formatUnits(p.entryPrice),
    breakEvenPrice: formatUnits(p.entryPrice),
    markPrice: formatUnits(mark),
    unRealizedProfit: formatUnits(mulUnits(p.amt, mark - p.entryPrice)),
    liquidationPrice: ZERO,
    leverage: String(leverage),
    marginType: 'cross',
    isolatedMargin: ZERO,
    isAutoAddMargin: 'false',
    isolatedWallet: ZERO,
    notional: formatUnits(notional),
    initialMargin: formatUnits(abs(notional) / BigInt(leverage)),
    maxNotionalValue: '1000000000',
    marginAsset: 'USDT',
    updateTime: p.updateTime,
  };
}

/** The account as `GET /fapi/v2/account` and `/fapi/v3/account` show it, in the margin asset USDT. */
export function futuresAccountJson(
  a: FuturesAccount,
  markOf: (symbol: string) => bigint,
  positions: Record<string, unknown>[],
  t: number,
): Record<string, unknown> {
  const unrealized = a.unrealized(markOf);
  const positionMargin = a.positionMargin(markOf);
  const orderMargin = a.openOrderMargin();
  const available = formatUnits(a.available(markOf));
  const wallet = formatUnits(a.wallet);
  const margin = formatUnits(a.wallet + unrealized);
  return {
    totalInitialMargin: formatUnits(positionMargin + orderMargin),
    totalMaintMargin: ZERO,
    totalWalletBalance: wallet,
    totalUnrealizedProfit: formatUnits(unrealized),
    totalMarginBalance: margin,
    totalPositionInitialMargin: formatUnits(positionMargin),
    totalOpenOrderInitialMargin: formatUnits(orderMargin),
    totalCrossWalletBalance: wallet,
    totalCrossUnPnl: formatUnits(unrealized),
    availableBalance: available,
    maxWithdrawAmount: available,
    assets: [
      {
        asset: 'USDT',
        walletBalance: wallet,
        unrealizedProfit: formatUnits(unrealized),
        marginBalance: margin,
        maintMargin: ZERO,
        initialMargin: formatUnits(positionMargin + orderMargin),
        positionInitialMargin: formatUnits(positionMargin),
        openOrderInitialMargin: formatUnits(orderMargin),
        crossWalletBalance: wallet,
        crossUnPnl: formatUnits(unrealized),
        availableBalance: available,
        maxWithdrawAmount: available,
        updateTime: t,
      },
    ],
    positions,
  };
}

/**
 * The balances as `GET /fapi/v2/balance` and `/fapi/v3/balance` show them: one entry, the margin asset USDT (the fake
 * keeps no other asset).
 */
export function futuresBalanceJson(
  a: FuturesAccount,
  markOf: (symbol: string) => bigint,
  t: number,
): Record<string, unknown>[] {
  const wallet = formatUnits(a.wallet);
  const available = formatUnits(a.available(markOf));
  return [
    {
      accountAlias: 'FAKE',
      asset: 'USDT',
      balance: wallet,
      crossWalletBalance: wallet,
      crossUnPnl: formatUnits(a.unrealized(markOf)),
      availableBalance: available,
      maxWithdrawAmount: available,
      marginAvailable: true,
      updateTime: t,
    },
  ];
}
