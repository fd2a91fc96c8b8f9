import { formatUnits } from '../params/Decimal.ts';
import type { OrderState, TradeState } from './AccountBook.ts';
import type { FakeOrder, FakeTrade } from './FakeOrder.ts';
import type { OrderRespType } from './NewOrder.ts';

const ZERO = '0.00000000';
const STP = 'EXPIRE_MAKER';

/** The order as `GET /api/v3/order` and `openOrders` show it. */
export function orderJson(o: OrderState): FakeOrder {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: formatUnits(o.price),
    origQty: formatUnits(o.origQty),
    executedQty: formatUnits(o.executedQty),
    cummulativeQuoteQty: formatUnits(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: ZERO,
    icebergQty: ZERO,
    time: o.time,
    updateTime: o.updateTime,
    isWorking: true,
    workingTime: o.time,
    origQuoteOrderQty: formatUnits(o.origQuoteOrderQty),
    selfTradePreventionMode: STP,
  };
}

/** The placement answer for `newOrderRespType` ACK, RESULT or FULL. */
export function placementJson(o: OrderState, fills: TradeState[], respType: OrderRespType): Record<string, unknown> {
  const ack = {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    transactTime: o.time,
  };
  if (respType === 'ACK') return ack;
  const result = {
    ...ack,
    price: formatUnits(o.price),
    origQty: formatUnits(o.origQty),
    executedQty: formatUnits(o.executedQty),
    origQuoteOrderQty: formatUnits(o.origQuoteOrderQty),
    cummulativeQuoteQty: formatUnits(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    workingTime: o.time,
    selfTradePreventionMode: STP,
  };
  if (respType === 'RESULT') return result;
  return {
    ...result,
    fills: fills.map((f) => ({
      price: formatUnits(f.price),
      qty: formatUnits(f.qty),
      commission: ZERO,
      commissionAsset: f.commissionAsset,
      tradeId: f.id,
    })),
  };
}

/** The answer to a cancel; `cancelClientOrderId` is the id given to the cancel itself. */
export function cancelJson(o: OrderState, cancelClientOrderId: string, t: number): Record<string, unknown> {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: cancelClientOrderId,
    transactTime: t,
    price: formatUnits(o.price),
    origQty: formatUnits(o.origQty),
    executedQty: formatUnits(o.executedQty),
    origQuoteOrderQty: formatUnits(o.origQuoteOrderQty),
    cummulativeQuoteQty: formatUnits(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    selfTradePreventionMode: STP,
  };
}

/** A fill as `myTrades` shows it. */
export function tradeJson(t: TradeState): FakeTrade {
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId,
    orderListId: -1,
    price: formatUnits(t.price),
    qty: formatUnits(t.qty),
    quoteQty: formatUnits(t.quoteQty),
    commission: ZERO,
    commissionAsset: t.commissionAsset,
    time: t.time,
    isBuyer: t.isBuyer,
    isMaker: t.isMaker,
    isBestMatch: true,
  };
}
