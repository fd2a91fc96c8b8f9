import { spotCatalog } from '../catalog/catalog.ts';
import { DEFAULT_RATE_LIMITS } from '../throttle/defaultLimits.ts';
import { endpointTable } from '../weights/endpointTable.ts';
import { type ApiProfile, defineProfile } from './ApiProfile.ts';

/** The hosts that serve the whole Spot API, behind the same limits per IP. */
const API_HOSTS = [
  'api.binance.com',
  'api-gcp.binance.com',
  'api1.binance.com',
  'api2.binance.com',
  'api3.binance.com',
  'api4.binance.com',
];

/**
 * Binance Spot (`api.binance.com`): `/api/` on one weight budget, `/sapi/` (wallet, margin, sub-accounts) on its
 * own, reported by `X-SAPI-USED-IP-WEIGHT-1M` and `X-SAPI-USED-UID-WEIGHT-1M`. SAPI endpoints each carry their own
 * per-IP or per-UID limit, so its budget starts without a default and is learnt from those headers.
 */
export const spot: ApiProfile = defineProfile({
  product: 'spot',
  title: 'Binance Spot',
  catalog: spotCatalog,
  docsPath: 'errors/',
  endpoints: endpointTable,
  budgets: [
    { name: 'api', pathPrefixes: ['/api/'], usedWeightHeaders: ['X-MBX-USED-WEIGHT-'], limits: DEFAULT_RATE_LIMITS },
    {
      name: 'sapi',
      pathPrefixes: ['/sapi/'],
      usedWeightHeaders: ['X-SAPI-USED-IP-WEIGHT-', 'X-SAPI-USED-UID-WEIGHT-'],
      limits: [],
    },
  ],
  orderCountHeader: 'X-MBX-ORDER-COUNT-',
  special: {
    time: 'GET /api/v3/time',
    exchangeInfo: 'GET /api/v3/exchangeInfo',
    orderLookup: 'GET /api/v3/order',
    placements: new Set(['POST /api/v3/order', 'POST /api/v3/sor/order']),
    cancels: new Set(['DELETE /api/v3/order', 'DELETE /api/v3/openOrders', 'DELETE /api/v3/orderList']),
    testOrders: new Set(['POST /api/v3/order/test', 'POST /api/v3/sor/order/test']),
    settings: new Set(),
  },
  resyncCodes: [-1021],
  origins: {
    // data-api.binance.vision serves market data alone, and is left to its own budget.
    production: [...API_HOSTS, 'data-api.binance.vision'],
    testnet: ['testnet.binance.vision', 'demo-api.binance.com'],
    sameBudget: API_HOSTS,
  },
});
