import { usdmCatalog } from '../catalog/usdm.generated.ts';
import type { RateLimit } from '../errors/types.ts';
import { endpointKey } from '../weights/endpointTable.ts';
import { ParamReader, type RequestParams } from '../weights/ParamReader.ts';
import { usdmEndpointTable } from '../weights/usdmEndpoints.generated.ts';
import { type ApiProfile, defineProfile } from './ApiProfile.ts';

/**
 * Default USDⓈ-M Futures limits: 2,400 request weight a minute per IP, and 300 orders per 10 s and 1,200 per
 * minute per account. VIP tiers get more; `exchangeInfo` tells the real ones.
 */
export const USDM_DEFAULT_LIMITS: readonly RateLimit[] = Object.freeze([
  Object.freeze({ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 } as const),
  Object.freeze({ rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 } as const),
  Object.freeze({ rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 } as const),
]);

const ORDER = 'POST /fapi/v1/order';
const BATCH = 'POST /fapi/v1/batchOrders';
/** Stop and take-profit orders, since 2025-12-09: a protective close-position stop is placed here. */
const ALGO_ORDER = 'POST /fapi/v1/algoOrder';

/**
 * Whether a futures order only reduces exposure, which Binance serves even while it sheds load with -1008:
 * `closePosition=true`; `reduceOnly=true` in one-way mode (no `positionSide`, or `BOTH`); in hedge mode a SELL of
 * a LONG position or a BUY of a SHORT one. A batch qualifies only when every order in it does. An algo order is
 * judged alike: Binance sheds load on `order` and `batchOrders` only, and a stop that closes a position must pass
 * the breaker while it is open.
 */
function isOverloadExempt(method: string, path: string, params?: RequestParams): boolean {
  const key = endpointKey(method, path);
  if (key !== ORDER && key !== BATCH && key !== ALGO_ORDER) return false;
  const reader = new ParamReader(params, path);
  if (key !== BATCH) return reducesExposure((name) => reader.get(name));
  const batch = parseBatch(reader.get('batchOrders'));
  return batch.length > 0 && batch.every((order) => reducesExposure((name) => order[name]));
}

function reducesExposure(get: (name: string) => unknown): boolean {
  if (isTrue(get('closePosition'))) return true;
  const positionSide = text(get('positionSide'));
  const side = text(get('side'));
  if (positionSide === undefined || positionSide === 'BOTH') return isTrue(get('reduceOnly'));
  return (positionSide === 'LONG' && side === 'SELL') || (positionSide === 'SHORT' && side === 'BUY');
}

/** `batchOrders` is a JSON array of order objects, sent as text. Anything else is no batch. */
function parseBatch(value: unknown): Record<string, unknown>[] {
  let items: unknown = value;
  if (typeof value === 'string') {
    try {
      items = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(items)) return [];
  if (!items.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item))) return [];
  return items as Record<string, unknown>[];
}

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().toUpperCase() : undefined;
}

/**
 * Binance USDⓈ-M Futures (`fapi.binance.com`): its own 201 codes (-2021/-2022 mean other things than on Spot), its
 * own weights and limits (orders counted per 10 s and per minute), `/fapi/v1/time` for the clock,
 * `/fapi/v1/order` for reconcile, and the orders that pass -1008 load shedding. A -1008 here is a definite
 * failure, and -5028 (the matching engine's recvWindow) is resynced like -1021.
 */
export const usdm: ApiProfile = defineProfile({
  product: 'usdm',
  title: 'Binance USDⓈ-M Futures',
  catalog: usdmCatalog,
  docsPath: 'errors/usdm/',
  endpoints: usdmEndpointTable,
  budgets: [
    {
      name: 'fapi',
      pathPrefixes: ['/fapi/', '/futures/data/'],
      usedWeightHeaders: ['X-MBX-USED-WEIGHT-'],
      limits: USDM_DEFAULT_LIMITS,
    },
  ],
  orderCountHeader: 'X-MBX-ORDER-COUNT-',
  special: {
    time: 'GET /fapi/v1/time',
    exchangeInfo: 'GET /fapi/v1/exchangeInfo',
    orderLookup: 'GET /fapi/v1/order',
    placements: new Set([ORDER]),
    // Conditional orders (stop, take-profit) live in the Algo Service since 2025-12-09: cancelled there. The kill
    // switch's heartbeat (countdownCancelAll) only ever cancels: held back by a breaker open through a -1008 storm
    // (which Binance applies to new orders only), its countdown would run out and every open order of the symbol go.
    cancels: new Set([
      'DELETE /fapi/v1/order',
      'DELETE /fapi/v1/batchOrders',
      'DELETE /fapi/v1/allOpenOrders',
      'DELETE /fapi/v1/algoOrder',
      'DELETE /fapi/v1/algoOpenOrders',
      'POST /fapi/v1/countdownCancelAll',
    ]),
    testOrders: new Set(['POST /fapi/v1/order/test']),
    // Not positionMargin (it adds or takes margin by an amount) nor convert/acceptQuote (it converts).
    settings: new Set([
      'POST /fapi/v1/leverage',
      'POST /fapi/v1/marginType',
      'POST /fapi/v1/positionSide/dual',
      'POST /fapi/v1/multiAssetsMargin',
      'POST /fapi/v1/feeBurn',
      'POST /fapi/v1/countdownCancelAll',
    ]),
  },
  resyncCodes: [-1021, -5028],
  origins: {
    production: ['fapi.binance.com'],
    testnet: ['demo-fapi.binance.com', 'testnet.binancefuture.com'],
  },
  isOverloadExempt,
});
