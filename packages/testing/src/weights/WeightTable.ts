import { countListItems, isSent, type Params } from '../params/Params.ts';
import type { EndpointSpec, WeightRule } from './EndpointSpec.ts';

/** What the fake needs to know about one endpoint, compiled once from endpoints.json. */
export interface EndpointCost {
  readonly spec: EndpointSpec;
  /** Constant weight, or undefined when {@link weightOf} must look at the parameters. */
  readonly fixed: number | undefined;
  readonly weightOf: (params: Params) => number;
  /** Orders it adds to every ORDERS limit (the largest per-interval count where those differ). */
  readonly unfilledOrderCount: number;
  /** Orders per ORDERS limit, keyed by interval, where the table gives them apart (futures). */
  readonly orderCounts: Readonly<Record<string, number>> | undefined;
  readonly weightOnSuccess: number | undefined;
  readonly signed: boolean;
  readonly needsApiKey: boolean;
}

function inRanges(ranges: [number, number | null, number][], n: number, fallback: number): number {
  for (const [lo, hi, w] of ranges) if (n >= lo && (hi === null || n <= hi)) return w;
  // Past the last range (e.g. depth limit > 5000, whose weight the docs do not state): charge the top range.
  const last = ranges[ranges.length - 1];
  return last && n > (last[1] ?? Number.POSITIVE_INFINITY) ? last[2] : fallback;
}

// The fake applies these rules itself rather than importing core's weightOf, so a bug there shows up as a mismatch
// against the server instead of being mirrored by it.
function compileRule(rule: WeightRule, base: number): (params: Params) => number {
  switch (rule.type) {
    case 'ranges':
      return (p) => {
        const raw = p[rule.param];
        const n = raw === undefined || raw === '' ? rule.default : Number(raw);
        return Number.isFinite(n) ? inRanges(rule.ranges, n, base) : base;
      };
    case 'symbols':
      return (p) => {
        if (rule.single && isSent(p, rule.single.param)) return rule.single.weight;
        const n = countListItems(p[rule.param]);
        if (n === 0) return rule.none ?? base;
        if (rule.any !== undefined) return rule.any;
        return rule.ranges ? inRanges(rule.ranges, n, base) : base;
      };
    case 'perItem':
      return (p) => {
        if (rule.single && isSent(p, rule.single.param)) return rule.single.weight;
        for (const o of rule.other ?? []) if (isSent(p, o.param)) return o.weight;
        const n = countListItems(p[rule.param]);
        if (n === 0) return rule.none ?? base;
        if (rule.cap !== undefined && rule.capAfterCount !== undefined && n > rule.capAfterCount) return rule.cap;
        const w = n * rule.perItem;
        return rule.cap === undefined ? w : Math.min(w, rule.cap);
      };
    case 'param':
      return (p) => (isSent(p, rule.param) ? rule.present : rule.absent);
    case 'cases':
      // Only myPreventedMatches uses this; its cases are described in words, mapped here by hand.
      return (p) => {
        if (isSent(p, 'preventedMatchId'))
          return rule.cases.find((c) => c.when.includes('preventedMatchId'))?.weight ?? base;
        if (isSent(p, 'orderId')) return rule.cases.find((c) => c.when.includes('orderId'))?.weight ?? base;
        return base;
      };
    default:
      return () => base;
  }
}

/**
 * The endpoint table as a `METHOD path` → {@link EndpointCost} map, precompiled so the hot path does one Map lookup
 * and, for constant-weight endpoints, no call at all.
 */
export class WeightTable {
  private readonly byKey = new Map<string, EndpointCost>();

  constructor(specs: readonly EndpointSpec[]) {
    for (const spec of specs) {
      if (typeof spec.method !== 'string' || typeof spec.path !== 'string' || !Number.isFinite(spec.weight)) {
        throw new TypeError(`endpoints.json: malformed entry ${JSON.stringify(spec)}`);
      }
      const fixed = spec.rule ? undefined : spec.weight;
      const weightOf = spec.rule ? compileRule(spec.rule, spec.weight) : () => spec.weight;
      this.byKey.set(`${spec.method} ${spec.path}`, {
        spec,
        fixed,
        weightOf,
        unfilledOrderCount:
          spec.unfilledOrderCount ?? (spec.orderRateLimit ? Math.max(0, ...Object.values(spec.orderRateLimit)) : 0),
        orderCounts: spec.orderRateLimit,
        weightOnSuccess: spec.weightOnSuccess,
        signed: spec.security === 'SIGNED',
        needsApiKey: spec.security !== 'NONE',
      });
    }
  }

  /** The endpoint's cost entry, or undefined when the table does not list it. */
  get(method: string, path: string): EndpointCost | undefined {
    return this.byKey.get(`${method} ${path}`);
  }

  /** Every listed endpoint. */
  entries(): IterableIterator<EndpointCost> {
    return this.byKey.values();
  }
}
