import type { SymbolState } from '../market/Market.ts';
import type { OrderSide, OrderType, TimeInForce } from './FakeOrder.ts';

/** How much of the order a placement response shows (`newOrderRespType`). */
export type OrderRespType = 'ACK' | 'RESULT' | 'FULL';

/** A validated new order, quantities in 1e-8 units. */
export interface NewOrder {
  symbol: SymbolState;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  /** Limit price; undefined for MARKET. */
  price: bigint | undefined;
  quantity: bigint;
  /** For MARKET orders sized in the quote asset. */
  quoteOrderQty: bigint | undefined;
  newClientOrderId: string | undefined;
  respType: OrderRespType;
}
