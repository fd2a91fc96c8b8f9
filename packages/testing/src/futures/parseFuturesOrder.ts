import { ApiError } from '../http/ApiError.ts';
import { illegalChars, MSG, mandatoryParam, notRequired } from '../http/messages.ts';
import { minNotional, modificationMinNotional, USDM_MSG } from '../http/usdmMessages.ts';
import type { Market, SymbolState } from '../market/Market.ts';
import { formatUnits, mulUnits, parseDecimalParam } from '../params/Decimal.ts';
import type { Params } from '../params/Params.ts';
import { readEnum } from '../params/readParams.ts';
import type {
  FuturesModify,
  FuturesOrderType,
  FuturesTimeInForce,
  NewFuturesOrder,
  PositionSide,
} from './FuturesOrder.ts';

/** Parameters POST /fapi/v1/order takes. */
export const FUTURES_ORDER_PARAMS = [
  'symbol',
  'side',
  'positionSide',
  'type',
  'timeInForce',
  'quantity',
  'reduceOnly',
  'price',
  'newClientOrderId',
  'stopPrice',
  'closePosition',
  'activationPrice',
  'callbackRate',
  'workingType',
  'priceProtect',
  'newOrderRespType',
  'priceMatch',
  'selfTradePreventionMode',
  'goodTillDate',
] as const;

/** Parameters PUT /fapi/v1/order takes. */
export const FUTURES_MODIFY_PARAMS = [
  'orderId',
  'origClientOrderId',
  'symbol',
  'side',
  'quantity',
  'price',
  'priceMatch',
] as const;

const PRICE_MATCHES = [
  'NONE',
  'OPPONENT',
  'OPPONENT_5',
  'OPPONENT_10',
  'OPPONENT_20',
  'QUEUE',
  'QUEUE_5',
  'QUEUE_10',
  'QUEUE_20',
] as const;
const CONDITIONAL = new Set(['STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET']);
const TIFS: readonly FuturesTimeInForce[] = ['GTC', 'IOC', 'FOK', 'GTX'];
const POSITION_SIDES: readonly PositionSide[] = ['BOTH', 'LONG', 'SHORT'];
const CLIENT_ID_RE = /^[.A-Z:/a-z0-9_-]{1,36}$/;

function decimal(params: Params, name: string): bigint | undefined {
  const v = params[name];
  return v === undefined || v === '' ? undefined : parseDecimalParam(name, v);
}

/** A futures minimum like `100` or `5.5`, written without trailing zeros as the exchange's message does. */
function plain(units: bigint): string {
  return formatUnits(units).replace(/\.?0+$/, '');
}

/**
 * Checks a futures order's price and quantity against its symbol's filters in the exchange's order, each with its own
 * code: PRICE_FILTER (-4013 below, -4002 above, -4014 off the tick) and LOT_SIZE (-4004, -4005, -4023).
 */
function checkFilters(s: SymbolState, price: bigint | undefined, qty: bigint): void {
  if (price !== undefined) {
    if (price < s.minPrice) throw ApiError.bad(-4013, USDM_MSG.priceBelowMin);
    if (s.maxPrice > 0n && price > s.maxPrice) throw ApiError.bad(-4002, USDM_MSG.priceAboveMax);
    if ((price - s.minPrice) % s.tickSize !== 0n) throw ApiError.bad(-4014, USDM_MSG.priceOffTick);
  }
  if (qty < s.minQty) throw ApiError.bad(-4004, USDM_MSG.qtyBelowMin);
  if (qty > s.maxQty) throw ApiError.bad(-4005, USDM_MSG.qtyAboveMax);
  if ((qty - s.minQty) % s.stepSize !== 0n) throw ApiError.bad(-4023, USDM_MSG.qtyOffStep);
}

/** MIN_NOTIONAL: whether `qty` at `price` (a MARKET order's: the last price) is worth less than the minimum. */
function belowMinNotional(s: SymbolState, price: bigint | undefined, qty: bigint): boolean {
  return mulUnits(price ?? s.price, qty) < s.minNotional;
}

/**
 * Validates a new futures order as POST /fapi/v1/order reads it: symbol (-1121), side (-1117), type (-1116;
 * conditional types → -4120, they moved to the Algo Order API), positionSide (-4060), timeInForce (-1102/-1115),
 * price and quantity (-1102/-1106/-1100/-1111), reduceOnly in hedge mode (-1106), closePosition (-1106: it belongs to
 * conditional orders), newClientOrderId (-1100), then the symbol's filters and its minimum notional (-4164, waived for
 * reduce-only orders). Margin, position and duplicate-id rules need the account: {@link FuturesEngine.place}.
 */
export function parseFuturesOrder(params: Params, market: Market): NewFuturesOrder {
  const s = market.require(params.symbol!);
  const side = params.side;
  if (side !== 'BUY' && side !== 'SELL') throw ApiError.bad(-1117, MSG.invalidSide);
  const type = params.type!;
  if (CONDITIONAL.has(type)) throw ApiError.bad(-4120, USDM_MSG.useAlgoOrder);
  if (type !== 'LIMIT' && type !== 'MARKET') throw ApiError.bad(-1116, MSG.invalidOrderType);
  const positionSide =
    readEnum(params, 'positionSide', POSITION_SIDES, () => ApiError.bad(-4060, USDM_MSG.invalidPositionSide)) ?? 'BOTH';
  if (params.closePosition !== undefined) throw ApiError.bad(-1106, notRequired('closePosition'));
  const reduceOnlyText = params.reduceOnly;
  if (reduceOnlyText !== undefined && positionSide !== 'BOTH') throw ApiError.bad(-1106, notRequired('reduceOnly'));
  const reduceOnly = reduceOnlyText?.toLowerCase() === 'true';
  const quantity = decimal(params, 'quantity');
  if (quantity === undefined) throw ApiError.bad(-1102, mandatoryParam('quantity'));
  let price: bigint | undefined;
  let timeInForce: FuturesTimeInForce = 'GTC';
  if (type === 'LIMIT') {
    price = decimal(params, 'price');
    if (price === undefined) throw ApiError.bad(-1102, mandatoryParam('price'));
    const tif = readEnum(params, 'timeInForce', TIFS, () => ApiError.bad(-1115, MSG.invalidTif));
    if (tif === undefined) throw ApiError.bad(-1102, mandatoryParam('timeInForce'));
    timeInForce = tif;
  } else {
    if (params.price !== undefined) throw ApiError.bad(-1106, notRequired('price'));
    if (params.timeInForce !== undefined) throw ApiError.bad(-1106, notRequired('timeInForce'));
  }
  const id = params.newClientOrderId;
  if (id !== undefined && !CLIENT_ID_RE.test(id)) {
    if (id === '') throw ApiError.bad(-1102, mandatoryParam('newClientOrderId'));
    throw ApiError.bad(-1100, illegalChars('newClientOrderId', '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'));
  }
  checkFilters(s, price, quantity);
  // Reduce-only orders are spared the minimum notional, as -4164's own text says.
  if (!reduceOnly && belowMinNotional(s, price, quantity)) throw ApiError.bad(-4164, minNotional(plain(s.minNotional)));
  const order: NewFuturesOrder = {
    symbol: s.info.symbol,
    side,
    positionSide,
    type: type as FuturesOrderType,
    timeInForce,
    price,
    quantity,
    reduceOnly,
    newClientOrderId: id,
  };
  return order;
}

/**
 * Validates an order modification as PUT /fapi/v1/order reads it: symbol (-1121), side (-1117), priceMatch (-5037;
 * with a price -1106, as it replaces the price; the fake keeps no order book to match a price in, so any other than
 * `NONE` is -1020), quantity and price (-1102/-1100/-1111, both mandatory on USDⓈ-M), then PRICE_FILTER and LOT_SIZE
 * as for a new order, and the minimum notional (-5029). Which order it is and whether it may change need the
 * account: {@link FuturesEngine.modify}.
 */
export function parseFuturesModify(params: Params, market: Market): FuturesModify {
  const s = market.require(params.symbol!);
  const side = params.side;
  if (side !== 'BUY' && side !== 'SELL') throw ApiError.bad(-1117, MSG.invalidSide);
  const priceMatch = readEnum(params, 'priceMatch', PRICE_MATCHES, () =>
    ApiError.bad(-5037, USDM_MSG.invalidPriceMatch),
  );
  if (priceMatch !== undefined && priceMatch !== 'NONE') {
    if (params.price !== undefined) throw ApiError.bad(-1106, notRequired('price'));
    throw ApiError.bad(-1020, MSG.unsupportedOperation);
  }
  const quantity = decimal(params, 'quantity');
  if (quantity === undefined) throw ApiError.bad(-1102, mandatoryParam('quantity'));
  const price = decimal(params, 'price');
  if (price === undefined) throw ApiError.bad(-1102, mandatoryParam('price'));
  checkFilters(s, price, quantity);
  if (belowMinNotional(s, price, quantity)) {
    throw ApiError.bad(-5029, modificationMinNotional(plain(s.minNotional)));
  }
  return { symbol: s.info.symbol, side, price, quantity };
}
