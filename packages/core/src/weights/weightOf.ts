import { endpointTable } from './endpointTable.ts';
import { normalizePath } from './normalizePath.ts';
import type { RequestParams } from './ParamReader.ts';
import { ParamReader } from './ParamReader.ts';
import type { EndpointLimit, EndpointSpec, EndpointTable, WeightRange, WeightRule } from './types.ts';

/** What a request costs against the rate limits, as {@link weightOf} computes it. */
export interface EndpointWeight {
  /** REQUEST_WEIGHT the request is charged (before any refund on success). */
  weight: number;
  /**
   * Orders it adds to the ORDERS limiters. Where the count differs per limiter (`ordersByInterval`), the largest,
   * so that a limiter charging one count everywhere stays on the safe side.
   */
  orders: number;
  /** Orders added per ORDERS limiter, keyed by interval (`'10S'`, `'1M'`), where the table gives them apart. */
  ordersByInterval: Readonly<Record<string, number>> | undefined;
  /**
   * A limit of the endpoint's own besides REQUEST_WEIGHT (e.g. 1,000 requests per 5 minutes for each
   * `/futures/data/` endpoint), which the limiter keeps as a budget of its own.
   */
  ownLimit: EndpointLimit | undefined;
  /** Whether the endpoint is in the table; `false` means `weight` is the caller's default. */
  known: boolean;
  /** Weight the server charges when the call succeeds, where that differs (0 for order placement). */
  weightOnSuccess: number | undefined;
  /** Whether the endpoint needs a signature (security `SIGNED`). */
  signed: boolean;
  /** The normalised `/api/v3/...` pathname the table was searched for. */
  path: string;
}

/** Options of {@link weightOf}. */
export interface WeightOfOptions {
  /** The table to look the endpoint up in. @default the bundled table (`endpointTable`) */
  table?: EndpointTable | undefined;
  /** Weight charged for an endpoint the table does not know. @default 1 */
  defaultWeight?: number | undefined;
}

/** Weight charged for an endpoint the table does not know, unless the caller says otherwise. */
export const DEFAULT_UNKNOWN_WEIGHT = 1;

const SIGNED_SECURITY = new Set(['SIGNED', 'TRADE', 'USER_DATA']);
// `when: "querying by preventedMatchId"` names the parameter a prose case depends on.
const CASE_PARAM = /\bby\s+([A-Za-z][A-Za-z0-9_]*)/;

/**
 * The rate-limit cost of one request: its REQUEST_WEIGHT, its unfilled-order count and whether it is signed,
 * with every parameter rule of the table applied (depth `limit`, ticker `symbol`/`symbols`, openOrders with or
 * without `symbol`, …). `path` may be a full URL or carry a prefix or query string; parameters found in its
 * query string are used unless `params` gives the same name.
 *
 * For an endpoint the table does not know, `known` is `false` and `weight` is `defaultWeight`: the server's
 * `X-MBX-USED-WEIGHT-*` header corrects the count after the response.
 *
 * @param options the table to use (or the table itself), and the weight of unknown endpoints
 * @example
 * ```ts
 * weightOf('GET', '/api/v3/depth', { symbol: 'BTCUSDT', limit: 1000 }).weight;         // 50
 * weightOf('GET', '/api/v3/ticker/24hr', 'symbols=["BTCUSDT","ETHUSDT"]').weight;       // 2
 * weightOf('POST', 'https://api.binance.com/api/v3/order').orders;                     // 1
 * ```
 */
export function weightOf(
  method: string,
  path: string | URL,
  params?: RequestParams,
  options?: WeightOfOptions | EndpointTable,
): EndpointWeight {
  const opts: WeightOfOptions | undefined = options instanceof Map ? { table: options } : (options as WeightOfOptions);
  const table = opts?.table ?? endpointTable;
  const normalised = normalizePath(path);
  const spec = table.get(`${method.toUpperCase()} ${normalised}`);
  return costOf(
    spec,
    normalised,
    opts?.defaultWeight,
    spec?.rule === undefined ? undefined : new ParamReader(params, path),
  );
}

/**
 * What a request to the table entry `spec` (looked up at the normalised path `normalised`) costs; `params` is only
 * read when the entry has a parameter rule, so a caller that knows `spec.rule` is absent may leave it out.
 */
export function costOf(
  spec: EndpointSpec | undefined,
  normalised: string,
  defaultWeight: number | undefined,
  params: ParamReader | undefined,
): EndpointWeight {
  if (spec === undefined) {
    return {
      weight: defaultWeight ?? DEFAULT_UNKNOWN_WEIGHT,
      orders: 0,
      ordersByInterval: undefined,
      ownLimit: undefined,
      known: false,
      weightOnSuccess: undefined,
      signed: false,
      path: normalised,
    };
  }
  const weight =
    spec.rule === undefined ? spec.weight : ruleWeight(spec, spec.rule, params ?? new ParamReader(undefined));
  return {
    weight,
    orders: spec.orderRateLimit ? Math.max(0, ...Object.values(spec.orderRateLimit)) : (spec.unfilledOrderCount ?? 0),
    ordersByInterval: spec.orderRateLimit,
    ownLimit: spec.ownLimit,
    known: true,
    weightOnSuccess: spec.weightOnSuccess,
    signed: SIGNED_SECURITY.has(spec.security),
    path: normalised,
  };
}

function ruleWeight(spec: EndpointSpec, rule: WeightRule, params: ParamReader): number {
  switch (rule.type) {
    case 'ranges': {
      const raw = params.number(rule.param);
      let n = raw === undefined || !Number.isFinite(raw) ? (rule.default ?? Number.NaN) : Math.floor(raw);
      // The server caps `limit` at `max` and returns that many entries, so it is charged as `max`.
      if (rule.max !== undefined && n > rule.max) n = rule.max;
      return inRanges(rule.ranges, n, true) ?? spec.weight;
    }
    case 'symbols': {
      // Sending both is rejected by the server; charging the heavier of the two stays on the safe side.
      let weight: number | undefined;
      if (params.has(rule.param)) weight = rule.any ?? inRanges(rule.ranges ?? [], params.count(rule.param), true);
      if (rule.single !== undefined && params.has(rule.single.param)) weight = max(weight, rule.single.weight);
      return weight ?? rule.none ?? spec.weight;
    }
    case 'perItem': {
      let weight: number | undefined;
      if (params.has(rule.param)) {
        const count = params.count(rule.param);
        const raw = count * rule.perItem;
        if (rule.cap === undefined) weight = raw;
        else if (rule.capAfterCount !== undefined) weight = count > rule.capAfterCount ? rule.cap : raw;
        else weight = Math.min(raw, rule.cap);
      }
      if (rule.single !== undefined && params.has(rule.single.param)) weight = max(weight, rule.single.weight);
      for (const other of rule.other ?? []) if (params.has(other.param)) weight = max(weight, other.weight);
      return weight ?? rule.none ?? spec.weight;
    }
    case 'param':
      return params.has(rule.param) ? rule.present : rule.absent;
    case 'cases': {
      // A case whose condition cannot be read off the parameters ("symbol is invalid") never matches; with no
      // match the entry's documented weight is charged, which the table keeps at the heaviest case.
      let weight: number | undefined;
      for (const c of rule.cases) {
        const param = c.param ?? CASE_PARAM.exec(c.when)?.[1];
        if (param !== undefined && params.has(param)) weight = max(weight, c.weight);
      }
      return weight ?? spec.weight;
    }
  }
}

/** The weight of the range `n` falls in; below the first range counts as the first when `clampLow`. */
function inRanges(ranges: readonly WeightRange[], n: number, clampLow: boolean): number | undefined {
  if (Number.isNaN(n)) return undefined;
  const first = ranges[0];
  if (first !== undefined && clampLow && n < first[0]) return first[2];
  for (const [min, upper, weight] of ranges) if (n >= min && (upper === null || n <= upper)) return weight;
  return undefined;
}

function max(a: number | undefined, b: number): number {
  return a === undefined || b > a ? b : a;
}
