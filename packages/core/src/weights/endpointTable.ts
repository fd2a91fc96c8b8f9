import table from '../../data/endpoints.json' with { type: 'json' };
import { show } from '../common/show.ts';
import { normalizePath } from './normalizePath.ts';
import type { EndpointLimit, EndpointSpec, EndpointTable, WeightRange, WeightRule } from './types.ts';

/**
 * Changes to an endpoint table. Either full entries (added, or replacing the entry with the same method and path),
 * or a record keyed by `"METHOD /api/v3/path"` whose values are a flat weight, a partial entry merged over the
 * existing one, or `null` to remove the entry.
 *
 * @example
 * ```ts
 * createEndpointTable({ 'GET /api/v3/klines': 4, 'GET /api/v3/newThing': { weight: 10, security: 'NONE' } });
 * ```
 */
export type EndpointOverrides =
  | Iterable<EndpointSpec>
  | Readonly<Record<string, number | Partial<Omit<EndpointSpec, 'method' | 'path'>> | null>>;

/** The key an endpoint is stored under: `"GET /api/v3/depth"`. The path is normalised first. */
export function endpointKey(method: string, path: string | URL): string {
  return `${method.toUpperCase()} ${normalizePath(path)}`;
}

/**
 * Builds an endpoint table from `base` (the bundled `data/endpoints.json` by default) and `overrides`.
 * Binance changes weights often, so the table is data a user can patch without waiting for a release.
 * Every entry is validated; a bad one throws a `TypeError`/`RangeError` naming it.
 */
export function createEndpointTable(overrides?: EndpointOverrides, base: EndpointTable = endpointTable): EndpointTable {
  const out = new Map<string, EndpointSpec>(base);
  if (overrides === undefined || overrides === null) return out;
  if (typeof (overrides as Iterable<EndpointSpec>)[Symbol.iterator] === 'function') {
    let i = 0;
    for (const spec of overrides as Iterable<EndpointSpec>) {
      const checked = validateSpec(spec, `overrides[${i++}]`);
      out.set(endpointKey(checked.method, checked.path), checked);
    }
    return out;
  }
  if (typeof overrides !== 'object') {
    throw new TypeError(`endpoint overrides must be an array of entries or a record, got ${typeof overrides}`);
  }
  for (const [rawKey, value] of Object.entries(overrides)) {
    const where = `overrides[${JSON.stringify(rawKey)}]`;
    const space = rawKey.indexOf(' ');
    if (space <= 0)
      throw new TypeError(`${where}: the key must be "METHOD /api/v3/path", got ${JSON.stringify(rawKey)}`);
    const method = rawKey.slice(0, space).toUpperCase();
    const path = normalizePath(rawKey.slice(space + 1).trim());
    const key = `${method} ${path}`;
    if (value === null) {
      out.delete(key);
      continue;
    }
    const existing = out.get(key);
    const merged =
      typeof value === 'number'
        ? { ...(existing ?? { security: 'NONE' }), method, path, weight: value, rule: undefined }
        : { security: 'NONE', ...existing, ...value, method, path };
    out.set(key, validateSpec(merged, where));
  }
  return out;
}

const RULE_TYPES = new Set<string>(['ranges', 'symbols', 'perItem', 'param', 'cases']);

/** Checks one entry and returns a normalised copy (method upper case, path normalised). */
function validateSpec(value: unknown, where: string): EndpointSpec {
  if (value === null || typeof value !== 'object')
    throw new TypeError(`${where} must be an object, got ${show(value)}`);
  const spec = value as Partial<EndpointSpec>;
  if (typeof spec.method !== 'string' || spec.method === '') {
    throw new TypeError(`${where}.method must be an HTTP method, got ${show(spec.method)}`);
  }
  if (typeof spec.path !== 'string' || spec.path === '') {
    throw new TypeError(`${where}.path must be a path like /api/v3/depth, got ${show(spec.path)}`);
  }
  weightNumber(spec.weight, `${where}.weight`);
  if (typeof spec.security !== 'string')
    throw new TypeError(`${where}.security must be a string, got ${show(spec.security)}`);
  if (spec.unfilledOrderCount !== undefined) weightNumber(spec.unfilledOrderCount, `${where}.unfilledOrderCount`);
  if (spec.weightOnSuccess !== undefined) weightNumber(spec.weightOnSuccess, `${where}.weightOnSuccess`);
  if (spec.orderRateLimit !== undefined) validateOrderCounts(spec.orderRateLimit, `${where}.orderRateLimit`);
  if (spec.ownLimit !== undefined) validateOwnLimit(spec.ownLimit, `${where}.ownLimit`);
  if (spec.rule !== undefined) validateRule(spec.rule, `${where}.rule`);
  const out: EndpointSpec = {
    ...(spec as EndpointSpec),
    method: spec.method.toUpperCase(),
    path: normalizePath(spec.path),
  };
  if (out.rule === undefined) delete out.rule;
  return out;
}

function validateRule(rule: WeightRule, where: string): void {
  if (rule === null || typeof rule !== 'object') throw new TypeError(`${where} must be an object, got ${show(rule)}`);
  if (!RULE_TYPES.has(rule.type)) {
    throw new TypeError(`${where}.type must be ranges, symbols, perItem, param or cases, got ${show(rule.type)}`);
  }
  const param = (rule as { param?: unknown }).param;
  const needsParam = rule.type !== 'cases';
  if (needsParam && (typeof param !== 'string' || param === '')) {
    throw new TypeError(`${where}.param must be a parameter name, got ${show(param)}`);
  }
  switch (rule.type) {
    case 'ranges':
      validateRanges(rule.ranges, `${where}.ranges`);
      if (rule.default !== undefined) weightNumber(rule.default, `${where}.default`);
      if (rule.max !== undefined) weightNumber(rule.max, `${where}.max`);
      return;
    case 'symbols':
      if (rule.ranges !== undefined) validateRanges(rule.ranges, `${where}.ranges`);
      if (rule.any !== undefined) weightNumber(rule.any, `${where}.any`);
      if (rule.none !== undefined) weightNumber(rule.none, `${where}.none`);
      if (rule.single !== undefined) weightNumber(rule.single.weight, `${where}.single.weight`);
      if (rule.any === undefined && rule.ranges === undefined) {
        throw new TypeError(`${where} needs "any" or "ranges" to weigh a list of symbols`);
      }
      return;
    case 'perItem':
      weightNumber(rule.perItem, `${where}.perItem`);
      if (rule.cap !== undefined) weightNumber(rule.cap, `${where}.cap`);
      if (rule.capAfterCount !== undefined) weightNumber(rule.capAfterCount, `${where}.capAfterCount`);
      if (rule.none !== undefined) weightNumber(rule.none, `${where}.none`);
      if (rule.single !== undefined) weightNumber(rule.single.weight, `${where}.single.weight`);
      for (const [i, other] of (rule.other ?? []).entries()) weightNumber(other.weight, `${where}.other[${i}].weight`);
      return;
    case 'param':
      weightNumber(rule.present, `${where}.present`);
      weightNumber(rule.absent, `${where}.absent`);
      return;
    case 'cases':
      if (!Array.isArray(rule.cases) || rule.cases.length === 0) {
        throw new TypeError(`${where}.cases must be a non-empty array, got ${show(rule.cases)}`);
      }
      for (const [i, c] of rule.cases.entries()) weightNumber(c.weight, `${where}.cases[${i}].weight`);
      return;
  }
}

const ORDER_INTERVAL = /^\d+[SMHD]$/;
const INTERVALS = new Set(['SECOND', 'MINUTE', 'HOUR', 'DAY']);

function validateOrderCounts(counts: unknown, where: string): void {
  if (counts === null || typeof counts !== 'object' || Array.isArray(counts)) {
    throw new TypeError(`${where} must be a record like { "10S": 1, "1M": 1 }, got ${show(counts)}`);
  }
  for (const [interval, count] of Object.entries(counts)) {
    if (!ORDER_INTERVAL.test(interval)) {
      throw new TypeError(`${where}: keys are intervals like "10S" or "1M", got ${JSON.stringify(interval)}`);
    }
    weightNumber(count, `${where}[${JSON.stringify(interval)}]`);
  }
}

function validateOwnLimit(limit: EndpointLimit, where: string): void {
  if (limit === null || typeof limit !== 'object')
    throw new TypeError(`${where} must be an object, got ${show(limit)}`);
  if (typeof limit.group !== 'string' || limit.group === '') {
    throw new TypeError(`${where}.group must name the count, got ${show(limit.group)}`);
  }
  if (!INTERVALS.has(limit.interval)) {
    throw new TypeError(`${where}.interval must be SECOND, MINUTE, HOUR or DAY, got ${show(limit.interval)}`);
  }
  weightNumber(limit.limit, `${where}.limit`);
  weightNumber(limit.intervalNum, `${where}.intervalNum`);
}

function validateRanges(ranges: readonly WeightRange[] | undefined, where: string): void {
  if (!Array.isArray(ranges) || ranges.length === 0) {
    throw new TypeError(`${where} must be a non-empty array of [min, max, weight], got ${show(ranges)}`);
  }
  for (const [i, range] of ranges.entries()) {
    if (!Array.isArray(range) || range.length !== 3) {
      throw new TypeError(`${where}[${i}] must be [min, max, weight], got ${show(range)}`);
    }
    weightNumber(range[0], `${where}[${i}][0]`);
    if (range[1] !== null) weightNumber(range[1], `${where}[${i}][1]`);
    weightNumber(range[2], `${where}[${i}][2]`);
  }
}

function weightNumber(value: unknown, where: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${where} must be a non-negative finite number, got ${show(value)}`);
  }
}

/**
 * The bundled endpoint table (`data/endpoints.json`, 48 Spot REST endpoints), keyed by `"METHOD /api/v3/path"`.
 * Read-only by convention; derive a patched copy with {@link createEndpointTable}.
 */
export const endpointTable: EndpointTable = createEndpointTable(table as unknown as EndpointSpec[], new Map());
