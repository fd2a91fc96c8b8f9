import { ApiError } from '../http/ApiError.ts';
import { eitherParam, illegalChars, invalidParamData, MSG, mandatoryParam, notRequired } from '../http/messages.ts';
import type { Market } from '../market/Market.ts';
import { divUnits, parseDecimalParam } from '../params/Decimal.ts';
import type { Params } from '../params/Params.ts';
import { readEnum } from '../params/readParams.ts';
import type { OrderSide, OrderType, TimeInForce } from './FakeOrder.ts';
import type { NewOrder, OrderRespType } from './NewOrder.ts';

const SIDES: readonly OrderSide[] = ['BUY', 'SELL'];
const KNOWN_TYPES = [
  'LIMIT',
  'MARKET',
  'LIMIT_MAKER',
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
];
const TIFS: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK'];
const RESP_TYPES: readonly OrderRespType[] = ['ACK', 'RESULT', 'FULL'];
const CLIENT_ID_RE = /^[.A-Z:/a-z0-9_-]{1,36}$/;

function decimal(params: Params, name: string): bigint | undefined {
  const v = params[name];
  return v === undefined || v === '' ? undefined : parseDecimalParam(name, v);
}

function required(params: Params, name: string): bigint {
  const v = decimal(params, name);
  if (v === undefined) throw ApiError.bad(-1102, mandatoryParam(name));
  return v;
}

/**
 * Validates a new order's parameters as POST /api/v3/order reads them: symbol (-1121), side (-1117), type (-1116;
 * stop and take-profit types → -1014, the fake does not trade them), timeInForce (-1102/-1115/-1114), quantity,
 * price and quoteOrderQty (-1102/-1106/-1128/-1100/-1111), newClientOrderId (-1118/-1100).
 * Filters are checked separately ({@link Market.checkFilters}) because cancelReplace reports them inside `data`.
 */
export function parseNewOrder(params: Params, market: Market): NewOrder {
  const symbol = market.require(params.symbol!);
  const side = params.side as OrderSide;
  if (!SIDES.includes(side)) throw ApiError.bad(-1117, MSG.invalidSide);
  const type = params.type as OrderType;
  if (!KNOWN_TYPES.includes(type)) throw ApiError.bad(-1116, MSG.invalidOrderType);
  if (type !== 'LIMIT' && type !== 'MARKET' && type !== 'LIMIT_MAKER') {
    throw ApiError.bad(-1014, MSG.unsupportedOrderCombination);
  }
  const tif = readEnum(params, 'timeInForce', TIFS, () => ApiError.bad(-1115, MSG.invalidTif));
  if (type === 'LIMIT' && tif === undefined) throw ApiError.bad(-1102, mandatoryParam('timeInForce'));
  if (type !== 'LIMIT' && tif !== undefined) throw ApiError.bad(-1114, MSG.tifNotRequired);
  const respType =
    readEnum(params, 'newOrderRespType', RESP_TYPES, () => ApiError.bad(-1130, invalidParamData('newOrderRespType'))) ??
    'FULL';
  const clientId = params.newClientOrderId;
  if (clientId === '') throw ApiError.bad(-1118, MSG.emptyNewClientOrderId);
  if (clientId !== undefined && !CLIENT_ID_RE.test(clientId)) {
    throw ApiError.bad(-1100, illegalChars('newClientOrderId', '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'));
  }

  let price: bigint | undefined;
  let quantity: bigint;
  let quoteOrderQty: bigint | undefined;
  if (type === 'MARKET') {
    if (decimal(params, 'price') !== undefined) throw ApiError.bad(-1106, notRequired('price'));
    const qty = decimal(params, 'quantity');
    quoteOrderQty = decimal(params, 'quoteOrderQty');
    if (qty === undefined && quoteOrderQty === undefined)
      throw ApiError.bad(-1102, eitherParam('quantity', 'quoteOrderQty'));
    if (qty !== undefined && quoteOrderQty !== undefined) throw ApiError.bad(-1128, MSG.badOptionalCombo);
    if (qty !== undefined) quantity = qty;
    else {
      // Sized in the quote asset: the most base the amount buys at the last price, on the LOT_SIZE grid.
      const raw = divUnits(quoteOrderQty!, symbol.price);
      quantity = raw - (raw % symbol.stepSize);
    }
  } else {
    if (decimal(params, 'quoteOrderQty') !== undefined) throw ApiError.bad(-1106, notRequired('quoteOrderQty'));
    quantity = required(params, 'quantity');
    price = required(params, 'price');
  }
  return {
    symbol,
    side,
    type,
    timeInForce: tif ?? 'GTC',
    price,
    quantity,
    quoteOrderQty,
    newClientOrderId: clientId,
    respType,
  };
}
