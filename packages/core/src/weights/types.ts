/**
 * One REST endpoint as `data/endpoints.json` describes it: its documented weight and, where the weight depends on
 * the request's parameters, the rule that computes it.
 */
export interface EndpointSpec {
  /** HTTP method, upper case. */
  method: string;
  /** The `/api/v3/...` pathname. */
  path: string;
  /** The documented weight; also the fallback when `rule` cannot decide. */
  weight: number;
  /** Binance security type: `NONE`, `API_KEY`, `SIGNED` (older docs: `TRADE`, `USER_DATA`). */
  security: string;
  /** How many orders the call adds to the unfilled order count (ORDERS limiters). @default 0 */
  unfilledOrderCount?: number | undefined;
  /**
   * Orders the call adds per ORDERS limiter, keyed by interval as in the `X-MBX-ORDER-COUNT-*` header names
   * (`{ '10S': 5, '1M': 1 }` for a futures batch). Where present it replaces `unfilledOrderCount`.
   */
  orderRateLimit?: Readonly<Record<string, number>> | undefined;
  /** A separate per-IP limit the endpoint draws on besides REQUEST_WEIGHT (futures statistics, funding rate). */
  ownLimit?: EndpointLimit | undefined;
  /** Weight charged when the call succeeds, where it differs from `weight` (0 for order placement since 2026-04-02). */
  weightOnSuccess?: number | undefined;
  /** How the weight depends on parameters. Absent: `weight` always. */
  rule?: WeightRule | undefined;
  deprecated?: boolean | undefined;
  /** Its answers' usage headers are not to be believed (Binance's docs say so): the count stays the limiter's own. */
  usageHeaderIgnored?: boolean | undefined;
  note?: string | undefined;
}

/**
 * A per-IP request limit of its own, e.g. 1,000 requests per 5 minutes for each `/futures/data/` endpoint.
 * Endpoints with the same `group` share one count.
 */
export interface EndpointLimit {
  /** The count's name: the endpoint's key, or every sharing endpoint's key joined by ` + `. */
  group: string;
  limit: number;
  interval: 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY';
  intervalNum: number;
}

/** A parameter-dependent weight. Each `type` is documented on its interface. */
export type WeightRule = RangesRule | SymbolsRule | PerItemRule | ParamRule | CasesRule;

/** `[min, max, weight]`: `weight` applies when `min <= n <= max`; `max: null` means no upper bound. */
export type WeightRange = readonly [min: number, max: number | null, weight: number];

/** A parameter that, when present, fixes the weight. */
export interface ParamWeight {
  param: string;
  weight: number;
}

/**
 * The weight depends on a numeric parameter, e.g. `GET /api/v3/depth` by `limit`.
 * Values above `max` are charged as `max` (the server caps them); a missing or non-numeric value uses `default`.
 */
export interface RangesRule {
  type: 'ranges';
  param: string;
  default?: number | undefined;
  max?: number | undefined;
  /** The only values the server accepts, where it accepts a list (futures depth); the ranges still price them. */
  valid?: readonly number[] | undefined;
  ranges: readonly WeightRange[];
}

/**
 * The weight depends on how many symbols are asked for, e.g. `GET /api/v3/ticker/24hr`:
 * `single.param` present → `single.weight`; `param` (a list) present → `any`, or the range its item count falls in;
 * neither → `none`.
 */
export interface SymbolsRule {
  type: 'symbols';
  /** The list parameter, e.g. `symbols`. */
  param: string;
  single?: ParamWeight | undefined;
  none?: number | undefined;
  /** Weight for any number of items. */
  any?: number | undefined;
  ranges?: readonly WeightRange[] | undefined;
}

/**
 * The weight grows with the number of items, e.g. `GET /api/v3/ticker`: `perItem` × items, capped at `cap`
 * (with `capAfterCount`: exactly `cap` once the count exceeds it).
 */
export interface PerItemRule {
  type: 'perItem';
  param: string;
  perItem: number;
  cap?: number | undefined;
  capAfterCount?: number | undefined;
  maxItems?: number | undefined;
  single?: ParamWeight | undefined;
  /** Other parameters that fix the weight when present, e.g. `symbolStatus`. */
  other?: readonly ParamWeight[] | undefined;
  none?: number | undefined;
}

/** The weight depends on whether one parameter is present, e.g. `GET /api/v3/openOrders` with or without `symbol`. */
export interface ParamRule {
  type: 'param';
  param: string;
  present: number;
  absent: number;
}

/**
 * Weights the docs give in prose (`GET /api/v3/myPreventedMatches`). A case applies when its `param` (or the
 * parameter named in `when` as "by <param>") is present; when several apply the highest wins; when none does,
 * the entry's `weight`.
 */
export interface CasesRule {
  type: 'cases';
  cases: readonly { when: string; weight: number; param?: string | undefined }[];
}

/** The endpoint table: entries keyed by `"METHOD /api/v3/path"` (see {@link endpointKey}). */
export type EndpointTable = ReadonlyMap<string, EndpointSpec>;
