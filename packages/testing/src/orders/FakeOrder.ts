/** Order sides. */
export type OrderSide = 'BUY' | 'SELL';

/** Order types the fake trades. Other Binance types are answered -1014 Unsupported order combination. */
export type OrderType = 'LIMIT' | 'MARKET' | 'LIMIT_MAKER';

/** Order lifecycle states the fake produces. */
export type OrderStatus = 'NEW' | 'FILLED' | 'CANCELED' | 'EXPIRED';

/** Time in force. */
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';

/** An order as `GET /api/v3/order` shows it (decimals as 8-decimal strings, times in server ms). */
export interface FakeOrder {
  symbol: string;
  orderId: number;
  orderListId: number;
  clientOrderId: string;
  price: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: OrderStatus;
  timeInForce: TimeInForce;
  type: OrderType;
  side: OrderSide;
  stopPrice: string;
  icebergQty: string;
  time: number;
  updateTime: number;
  isWorking: boolean;
  workingTime: number;
  origQuoteOrderQty: string;
  selfTradePreventionMode: string;
}

/** A fill as `GET /api/v3/myTrades` shows it. The fake charges no commission. */
export interface FakeTrade {
  symbol: string;
  id: number;
  orderId: number;
  orderListId: number;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
  isBestMatch: boolean;
}

/** One asset of an account. */
export interface FakeBalance {
  free: string;
  locked: string;
}
