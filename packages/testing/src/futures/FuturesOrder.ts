import type { OrderSide } from '../orders/FakeOrder.ts';

/** Which position an order or position belongs to: `BOTH` in one-way mode, `LONG`/`SHORT` in hedge mode. */
export type PositionSide = 'BOTH' | 'LONG' | 'SHORT';

/** Order types the fake futures exchange trades; conditional types go to the Algo Order API (-4120). */
export type FuturesOrderType = 'LIMIT' | 'MARKET';

/** Time in force on futures: GTX is post-only. */
export type FuturesTimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTX';

/** A futures order's mutable state, quantities in 1e-8 units. */
export interface FuturesOrderState {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: OrderSide;
  positionSide: PositionSide;
  type: FuturesOrderType;
  timeInForce: FuturesTimeInForce;
  /** Limit price; 0 for MARKET. */
  price: bigint;
  origQty: bigint;
  executedQty: bigint;
  cumQuote: bigint;
  reduceOnly: boolean;
  status: 'NEW' | 'FILLED' | 'CANCELED' | 'EXPIRED';
  time: number;
  updateTime: number;
}

/** A position: `amt` is signed (short below zero), `entryPrice` in 1e-8 units. */
export interface PositionState {
  amt: bigint;
  entryPrice: bigint;
  updateTime: number;
}

/** A validated new futures order. */
export interface NewFuturesOrder {
  symbol: string;
  side: OrderSide;
  positionSide: PositionSide;
  type: FuturesOrderType;
  timeInForce: FuturesTimeInForce;
  price: bigint | undefined;
  quantity: bigint;
  reduceOnly: boolean;
  newClientOrderId: string | undefined;
}

/** A validated modification of a resting LIMIT order: its new price and quantity, and the side it must be on. */
export interface FuturesModify {
  symbol: string;
  side: OrderSide;
  price: bigint;
  quantity: bigint;
}
