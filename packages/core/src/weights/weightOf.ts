import { endpointTable } from './endpointTable.ts';
import { normalizePath, queryOf } from './normalizePath.ts';
import type { EndpointSpec, EndpointTable, WeightRange, WeightRule } from './types.ts';

/** What a request costs against the rate limits, as {@link weightOf} computes it. */
export interface EndpointWeight {
  /** REQUEST_WEIGHT the request is charged (before any refund on success). */
  weight: number;
  /** Orders it adds to the unfilled order count (ORDERS limiters). */
  orders: number;
  /** Whether the endpoint is in the table; `false` means `weight` is the caller's default. */
  known: boolean;
  /** Weight the server charges when the call succeeds, where that differs (0 for order placement). */
  weightOnSuccess: number | undefined;
  /** Whether the endpoint needs a signature (security `SIGNED`). */
  signed: boolean;
  /** The normalised `/api/v3/...` pathname the table was searched for. */
  path: string;
}

/** Request parameters in any of the shapes clients hold them: a query string (with or without `?`), a record, URLSearchParams. */
export type RequestParams = URLSearchParams | Readonly<Record<string, unknown>> | string | undefined;

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
  if (spec === undefined) {
    const fallback = opts?.defaultWeight ?? DEFAULT_UNKNOWN_WEIGHT;
    return { weight: fallback, orders: 0, known: false, weightOnSuccess: undefined, signed: false, path: normalised };
  }
  const weight = spec.rule === undefined ? spec.weight : ruleWeight(spec, spec.rule, new Params(params, path));
  return {
    weight,
    orders: spec.unfilledOrderCount ?? 0,
    known: true,
    weightOnSuccess: spec.weightOnSuccess,
    signed: SIGNED_SECURITY.has(spec.security),
    path: normalised,
  };
}

function ruleWeight(spec: EndpointSpec, rule: WeightRule, params: Params): number {
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

/** Reads parameters lazily: a query string is parsed only when a rule asks for a parameter. */
class Params {
  private readonly source: RequestParams;
  private readonly url: string | URL;
  private parsed: URLSearchParams | undefined;
  private fromPath: URLSearchParams | undefined | null = null;

  constructor(source: RequestParams, url: string | URL) {
    this.source = source;
    this.url = url;
  }

  /** The raw value, or `undefined` when absent. */
  get(name: string): unknown {
    const own = this.own(name);
    if (own !== undefined) return own;
    if (this.fromPath === null) {
      const query = queryOf(this.url);
      this.fromPath = query === undefined ? undefined : new URLSearchParams(query);
    }
    return this.fromPath?.get(name) ?? undefined;
  }

  /**
   * Present means sent with a value. An empty value, and `false` — how a boolean flag such as
   * `computeCommissionRates` is switched off — count as absent.
   */
  has(name: string): boolean {
    const value = this.get(name);
    return value !== undefined && value !== null && value !== '' && value !== false && value !== 'false';
  }

  number(name: string): number | undefined {
    const value = this.get(name);
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '') return Number(value);
    return undefined;
  }

  /** Items in a list parameter: an array, a JSON array string `["A","B"]`, or comma-separated text. At least 1. */
  count(name: string): number {
    const value = this.get(name);
    let n = 1;
    if (Array.isArray(value)) n = value.length;
    else if (typeof value === 'string') n = countItems(value);
    return Math.max(1, n);
  }

  private own(name: string): unknown {
    const source = this.source;
    if (source === undefined || source === null) return undefined;
    if (typeof source === 'string') {
      this.parsed ??= new URLSearchParams(source.startsWith('?') ? source.slice(1) : source);
      return this.parsed.get(name) ?? undefined;
    }
    if (source instanceof URLSearchParams) return source.get(name) ?? undefined;
    return Object.hasOwn(source, name) ? (source as Record<string, unknown>)[name] : undefined;
  }
}

function countItems(text: string): number {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.length;
    } catch {
      // Not valid JSON (e.g. unquoted names): fall back to counting the comma-separated items.
    }
  }
  let n = 0;
  for (const item of trimmed.replace(/^\[|\]$/g, '').split(',')) if (item.replace(/["'\s]/g, '') !== '') n++;
  return n;
}
