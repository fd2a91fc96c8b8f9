import type { FaultHandle, FaultKind, FaultRequest, FaultSpec } from './Fault.ts';

const KINDS = new Set<FaultKind>([
  'server-busy',
  'timeout',
  'server-error',
  'html',
  'waf',
  'restricted-location',
  'reset',
  'delay',
  'slow-body',
  'truncated',
  'malformed-json',
]);

class Registered implements FaultHandle {
  readonly spec: FaultSpec;
  readonly expiresAt: number;
  hits = 0;
  active = true;
  private readonly registry: FaultRegistry;

  constructor(spec: FaultSpec, expiresAt: number, registry: FaultRegistry) {
    this.spec = spec;
    this.expiresAt = expiresAt;
    this.registry = registry;
  }

  get kind(): FaultKind {
    return this.spec.kind;
  }

  remove(): void {
    this.registry.remove(this);
  }
}

function validate(spec: FaultSpec): void {
  if (!KINDS.has(spec.kind)) throw new TypeError(`fault: unknown kind ${String(spec.kind)}`);
  const positive = (name: string, v: number | undefined, min: number) => {
    if (v !== undefined && !(Number.isFinite(v) && v >= min))
      throw new RangeError(`fault: ${name} must be >= ${min}, got ${v}`);
  };
  positive('times', spec.times, 1);
  positive('durationMs', spec.durationMs, 0);
  if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1)) {
    throw new RangeError(`fault: probability must be in [0, 1], got ${spec.probability}`);
  }
  if (spec.kind === 'delay' || spec.kind === 'slow-body') positive('ms', spec.ms, 0);
  if (spec.kind === 'slow-body') positive('chunks', spec.chunks, 1);
  if (
    'status' in spec &&
    spec.status !== undefined &&
    !(Number.isInteger(spec.status) && spec.status >= 100 && spec.status <= 599)
  ) {
    throw new RangeError(`fault: status must be an HTTP status, got ${spec.status}`);
  }
}

function matches(spec: FaultSpec, req: FaultRequest): boolean {
  const m = spec.match;
  if (!m) return true;
  if (m.method !== undefined && m.method.toUpperCase() !== req.method) return false;
  if (m.path !== undefined && (typeof m.path === 'string' ? m.path !== req.path : !m.path.test(req.path))) return false;
  return m.predicate === undefined || m.predicate(req);
}

/** The scripted faults, checked in the order they were added; the first that hits a request wins. */
export class FaultRegistry {
  private faults: Registered[] = [];
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(now: () => number, random: () => number) {
    this.now = now;
    this.random = random;
  }

  /** Validates (TypeError/RangeError) and registers a fault. */
  add(spec: FaultSpec): FaultHandle {
    validate(spec);
    const expiresAt = spec.durationMs === undefined ? Number.POSITIVE_INFINITY : this.now() + spec.durationMs;
    const f = new Registered(spec, expiresAt, this);
    this.faults.push(f);
    return f;
  }

  remove(f: Registered): void {
    f.active = false;
    this.faults = this.faults.filter((x) => x !== f);
  }

  /** Whether any fault is registered (lets the hot path skip building a {@link FaultRequest}). */
  get isEmpty(): boolean {
    return this.faults.length === 0;
  }

  /**
   * The fault that hits `req`, counting the hit, or undefined. `spares` says which faults the request is immune to
   * (futures cancels under a -1008 storm); those neither hit it nor count it.
   */
  take(req: FaultRequest, spares?: (spec: FaultSpec, req: FaultRequest) => boolean): FaultSpec | undefined {
    const now = this.now();
    for (const f of [...this.faults]) {
      if (now >= f.expiresAt) {
        this.remove(f);
        continue;
      }
      if (!matches(f.spec, req) || spares?.(f.spec, req)) continue;
      const p = f.spec.probability;
      if (p !== undefined && p < 1 && this.random() >= p) continue;
      f.hits++;
      if (f.spec.times !== undefined && f.hits >= f.spec.times) this.remove(f);
      return f.spec;
    }
    return undefined;
  }

  /** The active faults, oldest first. */
  list(): FaultHandle[] {
    const now = this.now();
    return this.faults.filter((f) => now < f.expiresAt);
  }

  /** Removes every fault. */
  clear(): void {
    for (const f of this.faults) f.active = false;
    this.faults = [];
  }
}
