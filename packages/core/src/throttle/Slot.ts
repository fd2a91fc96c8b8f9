import { show } from '../common/show.ts';
import type { RateLimit, RateLimitType } from '../errors/types.ts';
import type { ThrottleLimit } from './types.ts';
import { INTERVAL_MS, intervalSuffix, limitKey } from './windows.ts';

/** Where a slot belongs: the budget (or endpoint group) it counts, its store-key prefix and its headers. */
export interface SlotScope {
  /** Prefixed to every key, so two budgets (or two APIs on one shared store) never share a counter. */
  readonly keyPrefix: string;
  /** The budget's name; every request charged to this budget is charged to the slot. */
  readonly budget: string;
  /** Whether this is the profile's main budget (the one `learn()` replaces and the 429 pause is measured by). */
  readonly main: boolean;
  /** Set for an endpoint's own limit: only requests naming this group are charged, 1 each. */
  readonly group?: string | undefined;
  /** Header name before the interval suffix reporting the used weight, e.g. `'X-MBX-USED-WEIGHT-'`. */
  readonly weightHeader?: string | undefined;
  /** Header name before the interval suffix reporting order counts, e.g. `'X-MBX-ORDER-COUNT-'`. */
  readonly orderHeader?: string | undefined;
}

/** A limit with everything the hot path needs precomputed. */
export interface Slot {
  readonly limit: RateLimit;
  readonly type: RateLimitType;
  readonly scope: SlotScope;
  /** The store's key for the limit's windows. */
  readonly key: string;
  /** The interval as header names write it, e.g. `'10S'`, `'1M'`. */
  readonly suffix: string;
  readonly intervalMs: number;
  readonly capacity: number;
  readonly header: string | undefined;
  readonly headerLower: string | undefined;
}

/** What one request claims, in the terms {@link amountFor} charges slots by. */
export interface Claim {
  readonly weight: number;
  readonly orders: number;
  readonly ordersByInterval: Readonly<Record<string, number>> | undefined;
  /** Name of the budget the request is charged to. */
  readonly budget: string;
  /** The endpoint group of its own limit, if any. */
  readonly group: string | undefined;
}

/** What a request adds to a slot's window: its weight, its orders, 1 raw request or 1 for its own limit, or 0. */
export function amountFor(slot: Slot, claim: Claim): number {
  const scope = slot.scope;
  if (scope.group !== undefined) return scope.group === claim.group ? 1 : 0;
  if (scope.budget !== claim.budget) return 0;
  if (slot.type === 'REQUEST_WEIGHT') return claim.weight;
  if (slot.type === 'ORDERS') return claim.ordersByInterval?.[slot.suffix] ?? claim.orders;
  return 1;
}

/**
 * Whether a request is charged to `slot`, given its {@link amountFor}: where it adds something, and to its budget's
 * weight limit even when it weighs nothing (a USDⓈ-M order), so that the usage header of its answer is read. The
 * header reports the IP's whole use, other processes' included; a charge of nothing is never refused.
 */
export function isCharged(slot: Slot, claim: Claim, amount: number): boolean {
  if (amount > 0) return true;
  const scope = slot.scope;
  return (
    slot.type === 'REQUEST_WEIGHT' &&
    slot.headerLower !== undefined &&
    scope.group === undefined &&
    scope.budget === claim.budget
  );
}

/** How {@link resolveLimits} turns limits into slots. */
export interface ResolveOptions {
  /** Throw on the first malformed or repeated limit (options) instead of skipping it (a server's exchangeInfo). */
  readonly strict: boolean;
  readonly safety: number;
  readonly intervalScale: number;
  /** Limits configured for the same scope, whose `intervalMs` a learnt limit keeps (tests run shortened windows). */
  readonly configured: readonly ThrottleLimit[];
  /** Names the limits in error messages, e.g. `'limits'`, `'budgetLimits.sapi'`. */
  readonly where: string;
}

/**
 * Validates limits and precomputes their slots. A repeated type and interval throws when strict; otherwise the
 * tighter of the two is kept.
 */
export function resolveLimits(limits: readonly ThrottleLimit[], scope: SlotScope, options: ResolveOptions): Slot[] {
  const slots: Slot[] = [];
  const seen = new Map<string, number>();
  limits.forEach((input, index) => {
    const where = `${options.where}[${index}]`;
    const problem = limitProblem(input, where);
    if (problem !== undefined) {
      if (options.strict) throw problem;
      return;
    }
    const identity = limitKey(input);
    const override = input.intervalMs ?? options.configured.find((c) => limitKey(c) === identity)?.intervalMs;
    const ms = Math.max(
      1,
      Math.round(override ?? input.intervalNum * INTERVAL_MS[input.interval] * options.intervalScale),
    );
    const limit: RateLimit = {
      rateLimitType: input.rateLimitType,
      interval: input.interval,
      intervalNum: input.intervalNum,
      limit: input.limit,
    };
    const suffix = intervalSuffix(limit);
    const prefix =
      limit.rateLimitType === 'REQUEST_WEIGHT'
        ? scope.weightHeader
        : limit.rateLimitType === 'ORDERS'
          ? scope.orderHeader
          : undefined;
    const header = prefix === undefined ? undefined : `${prefix}${suffix}`;
    const slot: Slot = {
      limit,
      type: limit.rateLimitType,
      scope,
      key: `${scope.keyPrefix}${identity}`,
      suffix,
      intervalMs: ms,
      capacity: Math.floor(limit.limit * options.safety),
      header,
      headerLower: header?.toLowerCase(),
    };
    const previous = seen.get(identity);
    if (previous === undefined) {
      seen.set(identity, slots.length);
      slots.push(slot);
    } else if (options.strict) {
      throw new RangeError(`${where} repeats ${identity}; give each rateLimitType and interval once`);
    } else if (slot.capacity < slots[previous]!.capacity) {
      slots[previous] = slot;
    }
  });
  return slots;
}

const TYPES = new Set<string>(['REQUEST_WEIGHT', 'ORDERS', 'RAW_REQUESTS']);

/** What is wrong with one rate limit as given (`where` names it in the message), or `undefined`. */
export function limitProblem(input: ThrottleLimit, where: string): Error | undefined {
  if (input === null || typeof input !== 'object')
    return new TypeError(`${where} must be a rate limit object, got ${show(input)}`);
  if (!TYPES.has(input.rateLimitType)) {
    return new TypeError(
      `${where}.rateLimitType must be REQUEST_WEIGHT, ORDERS or RAW_REQUESTS, got ${show(input.rateLimitType)}`,
    );
  }
  if (!Object.hasOwn(INTERVAL_MS, input.interval)) {
    return new TypeError(`${where}.interval must be SECOND, MINUTE, HOUR or DAY, got ${show(input.interval)}`);
  }
  if (!Number.isInteger(input.intervalNum) || input.intervalNum < 1) {
    return new RangeError(`${where}.intervalNum must be a positive integer, got ${show(input.intervalNum)}`);
  }
  if (!Number.isInteger(input.limit) || input.limit < 1) {
    return new RangeError(`${where}.limit must be a positive integer, got ${show(input.limit)}`);
  }
  if (
    input.intervalMs !== undefined &&
    !(typeof input.intervalMs === 'number' && input.intervalMs >= 1 && Number.isFinite(input.intervalMs))
  ) {
    return new RangeError(`${where}.intervalMs must be a number of ms >= 1, got ${show(input.intervalMs)}`);
  }
  return undefined;
}
