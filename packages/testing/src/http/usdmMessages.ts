// USDⓈ-M Futures' own wording, copied from its error-code page (@binance-errors/core/data/usdm/errors.json).
// usdmMessages.test.ts checks every literal here against that file so a typo cannot slip in.
import type { LimitTexts } from './LimitTexts.ts';
import { tooManyOrders } from './messages.ts';

/** Exact futures `msg` strings the fake answers with, keyed by what they mean. */
export const USDM_MSG = {
  serverBusy:
    'Request throttled by system-level protection. Reduce-only/close-position orders are exempt. Please try again.',
  marginInsufficient: 'Margin is insufficient.',
  reduceOnlyRejected: 'ReduceOnly Order is rejected.',
  duplicateClientOrderId: 'clientOrderId is duplicated',
  positionSideMismatch: "Order's position side does not match user's setting.",
  invalidPositionSide: 'Invalid position side.',
  useAlgoOrder: 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.',
  priceBelowMin: 'Price less than min price.',
  priceAboveMax: 'Price greater than max price.',
  priceOffTick: 'Price not increased by tick size.',
  qtyBelowMin: 'Quantity less than min quantity.',
  qtyAboveMax: 'Quantity greater than max quantity.',
  qtyOffStep: 'Qty not increased by step size.',
  fokRejected: 'Due to the order could not be filled immediately, the FOK order has been rejected.',
  gtxRejected: 'Due to the order could not be executed as maker, the Post Only order will be rejected.',
  invalidLeverage: 'Invalid leverage',
  noNeedToChangePositionSide: 'No need to change position side.',
  positionSideChangeOpenOrders: 'Position side cannot be changed if there exists open orders.',
  positionSideChangeQuantity: 'Position side cannot be changed if there exists position.',
  unknownOrder: 'Unknown order sent.',
  sameOrder: 'No need to modify the order.',
  invalidPriceMatch: 'Invalid price match',
} as const;

/** -4164 for an order below the symbol's minimum notional, e.g. `minNotional` `'100'`. */
export function minNotional(min: string): string {
  return `Order's notional must be no smaller than ${min} (unless you choose reduce only)`;
}

/** -5029 for a modification below the symbol's minimum notional: unlike -4164, its text names no reduce-only waiver. */
export function modificationMinNotional(min: string): string {
  return `Order's notional must be no smaller than ${min}`;
}

/** -4082 for a batch of no orders or more than 5. */
export function invalidBatchSize(size: number): string {
  return `Invalid number of batch place orders: ${size}`;
}

/** -4021 for a depth `limit` outside 5, 10, 20, 50, 100, 500, 1000. */
export function invalidDepthLimit(limit: string): string {
  return `'${limit}' is not valid depth limit.`;
}

/** USDⓈ-M Futures' wording of limit breaches and overloads. */
export const USDM_TEXTS: LimitTexts = {
  tooMuchWeight: (limit) =>
    `Too many requests; current limit is ${limit} requests per minute. Please use the websocket for live updates to avoid polling the API.`,
  ipBanned: (until) =>
    `Way too many requests; IP banned until ${until}. Please use the websocket for live updates to avoid bans.`,
  tooManyOrders,
  serverBusy: USDM_MSG.serverBusy,
};
