import type { ErrorCatalog } from '../catalog/ErrorCatalog.ts';
import type { RateLimit } from '../errors/types.ts';
import { endpointKey } from '../weights/endpointTable.ts';
import type { RequestParams } from '../weights/ParamReader.ts';
import type { EndpointTable } from '../weights/types.ts';
import type { ApiProduct } from './registry.generated.ts';

// The generator writes the product names from the profile files.
export type { ApiProduct } from './registry.generated.ts';

/**
 * Paths with a weight budget of their own and the response headers that report its use. Spot has two: `/api/`
 * and `/sapi/`, which Binance counts apart.
 */
export interface WeightBudget {
  /** Short name, e.g. `'api'`, `'sapi'`, `'fapi'`. */
  readonly name: string;
  /** Path prefixes charged to this budget, e.g. `['/sapi/']`. */
  readonly pathPrefixes: readonly string[];
  /**
   * Header names before the interval suffix that report the used weight, e.g. `'X-MBX-USED-WEIGHT-'` (then `1M`).
   * Several for SAPI, which reports an IP and a UID count.
   */
  readonly usedWeightHeaders: readonly string[];
  /** Limits before any `exchangeInfo` is seen. Empty: learnt from the headers only. */
  readonly limits: readonly RateLimit[];
}

/** Requests a profile treats specially, each as `"METHOD /path"`. */
export interface SpecialEndpoints {
  /** Server time, for the clock: `{ serverTime }`. */
  readonly time: string;
  /** Exchange information, whose `rateLimits` the limiter learns from. */
  readonly exchangeInfo: string;
  /** Looks one order up by `origClientOrderId`, to settle an unknown outcome. */
  readonly orderLookup: string;
  /** Place a single order that takes `newClientOrderId`, so its outcome can be looked up. */
  readonly placements: ReadonlySet<string>;
  /** Cancel orders: they pass an open breaker and queue ahead, so a user can always reduce exposure. */
  readonly cancels: ReadonlySet<string>;
  /** Validate an order without placing it: whatever their outcome, they changed no order (not on the ledger). */
  readonly testOrders: ReadonlySet<string>;
  /**
   * Set an account's setting (leverage, margin type, position mode) or the countdown that cancels its orders: sent
   * again, each leaves what the first left and changes no order, so one whose outcome is unknown may be sent again
   * (not on the ledger). A kill switch's heartbeat held back would let its countdown cancel every order.
   */
  readonly settings: ReadonlySet<string>;
}

/** Where an API is served. Hostnames, lower case. */
export interface ApiOrigins {
  readonly production: readonly string[];
  readonly testnet: readonly string[];
  /**
   * Production hosts that serve the API as one, behind the same limits per IP (Spot's `api`, `api-gcp` and
   * `api1`–`api4`): over https they share one guard — one weight budget, one ban, one ledger — named by the first.
   */
  readonly sameBudget?: readonly string[];
}

/**
 * Everything the core needs to know about one Binance REST API: its error catalog, endpoint table, default
 * limits, header names, special endpoints and per-code semantics. Adding an API is one profile like this plus its
 * data files.
 */
export interface ApiProfile {
  readonly product: ApiProduct;
  /** For messages and docs, e.g. `'Binance USDⓈ-M Futures'`. */
  readonly title: string;
  /** Codes, messages, categories and hints. */
  readonly catalog: ErrorCatalog;
  /** Where a code's page lives under the docs site, e.g. `'errors/usdm/'` + the entry's slug. */
  readonly docsPath: string;
  /** Weights and parameter rules, keyed `"METHOD /path"`. */
  readonly endpoints: EndpointTable;
  /**
   * Weight budgets; the first is the main one, also charged for paths no other budget claims. Its limits include
   * the ORDERS limiters, reported by {@link ApiProfile.orderCountHeader}.
   */
  readonly budgets: readonly [WeightBudget, ...WeightBudget[]];
  /** Header name before the interval suffix that reports order counts: `'X-MBX-ORDER-COUNT-'`. */
  readonly orderCountHeader: string;
  readonly special: SpecialEndpoints;
  /** Codes that mean "the timestamp was off": resync the clock, re-sign, send once more (it did not execute). */
  readonly resyncCodes: readonly number[];
  readonly origins: ApiOrigins;
  /**
   * Whether Binance lets this request through while it sheds load (-1008) — orders that only reduce exposure.
   * Cancels are a separate question: {@link ApiProfile.isCancel}. The guard asks it of SIGNED endpoints only (an
   * order is always signed), so that the parameters of other requests need not be read.
   */
  isOverloadExempt(method: string, path: string, params?: RequestParams): boolean;
  /** Whether the request cancels orders. */
  isCancel(method: string, path: string): boolean;
  /** Whether the request places a single order that can be looked up by its client order id. */
  isPlacement(method: string, path: string): boolean;
  /**
   * Whether the request changes no order whatever its outcome: it only validates one, or sets a setting (see
   * {@link SpecialEndpoints.testOrders} and {@link SpecialEndpoints.settings}).
   */
  changesNoOrder(method: string, path: string): boolean;
  /** Whether the response carries `rateLimits` the limiter can learn from. */
  isExchangeInfo(method: string, path: string): boolean;
  /** The budget a path (as the endpoint table keys it, e.g. `/sapi/v1/...`) is charged to. */
  budgetFor(path: string): WeightBudget;
  /** Whether `hostname` serves this API (production or testnet). */
  servesHost(hostname: string): boolean;
}

/** What a profile file declares; {@link defineProfile} adds the lookups. */
export type ApiProfileSpec = Omit<
  ApiProfile,
  'isCancel' | 'isPlacement' | 'changesNoOrder' | 'isExchangeInfo' | 'budgetFor' | 'servesHost' | 'isOverloadExempt'
> & {
  isOverloadExempt?: ApiProfile['isOverloadExempt'];
};

/**
 * Builds a profile from its declaration. Method and path are matched as the endpoint table keys them. Every special
 * endpoint must be in the profile's own table, so a typo in a new profile fails here rather than in production.
 *
 * @throws TypeError naming the profile and the special endpoint its table lacks
 */
export function defineProfile(spec: ApiProfileSpec): ApiProfile {
  const { time, exchangeInfo, orderLookup, placements, cancels, testOrders, settings } = spec.special;
  for (const key of [time, exchangeInfo, orderLookup, ...placements, ...cancels, ...testOrders, ...settings]) {
    if (!spec.endpoints.has(endpointKeyOf(key))) {
      throw new TypeError(
        `profile ${spec.product}: special endpoint ${JSON.stringify(key)} is not in its endpoint table`,
      );
    }
  }
  const hosts = new Set([...spec.origins.production, ...spec.origins.testnet]);
  const [main] = spec.budgets;
  return Object.freeze({
    ...spec,
    isOverloadExempt: spec.isOverloadExempt ?? (() => false),
    isCancel: (method: string, path: string) => spec.special.cancels.has(endpointKey(method, path)),
    isPlacement: (method: string, path: string) => spec.special.placements.has(endpointKey(method, path)),
    changesNoOrder: (method: string, path: string) => {
      const key = endpointKey(method, path);
      return testOrders.has(key) || settings.has(key);
    },
    isExchangeInfo: (method: string, path: string) => endpointKey(method, path) === spec.special.exchangeInfo,
    budgetFor: (path: string) =>
      spec.budgets.find((b) => b !== main && b.pathPrefixes.some((prefix) => path.startsWith(prefix))) ?? main,
    servesHost: (hostname: string) => hosts.has(hostname.toLowerCase()),
  });
}

/** `"GET /fapi/v1/time"` → `{ method: 'GET', path: '/fapi/v1/time' }`: a special endpoint as a request. */
export function endpointParts(key: string): { method: string; path: string } {
  const space = key.indexOf(' ');
  return { method: key.slice(0, Math.max(0, space)), path: key.slice(space + 1) };
}

/** `"GET /fapi/v1/time"` → the table key, with the method and path normalized as the table stores them. */
function endpointKeyOf(key: string): string {
  const { method, path } = endpointParts(key);
  return method === '' ? key : endpointKey(method, path);
}
