import { INTERVAL_LETTER, INTERVAL_MS, type RateLimit, type RateLimitType } from './RateLimit.ts';

/** A validated limit with everything the hot path needs precomputed. */
export interface ResolvedLimit {
  readonly type: RateLimitType;
  readonly public: RateLimit;
  readonly limit: number;
  readonly intervalMs: number;
  /** `1M` or `10S`: the interval as header names and futures order costs write it. */
  readonly suffix: string;
  /** `1 MINUTE`, as messages say it. */
  readonly per: string;
  /** `X-MBX-USED-WEIGHT-1M` or `X-MBX-ORDER-COUNT-10S`; undefined for RAW_REQUESTS, which has no header. */
  readonly header: string | undefined;
}

const TYPES = new Set(['REQUEST_WEIGHT', 'ORDERS', 'RAW_REQUESTS']);

/** Validates one limit (TypeError/RangeError naming `rateLimits[i]`) and precomputes its header and window. */
export function resolveLimit(
  input: RateLimit & { intervalMs?: number },
  index: number,
  timeScale: number,
): ResolvedLimit {
  const where = `rateLimits[${index}]`;
  if (!TYPES.has(input.rateLimitType)) {
    throw new TypeError(
      `${where}.rateLimitType must be REQUEST_WEIGHT, ORDERS or RAW_REQUESTS, got ${String(input.rateLimitType)}`,
    );
  }
  const unitMs = INTERVAL_MS[input.interval];
  if (unitMs === undefined) {
    throw new TypeError(`${where}.interval must be SECOND, MINUTE, HOUR or DAY, got ${String(input.interval)}`);
  }
  if (!Number.isInteger(input.intervalNum) || input.intervalNum < 1) {
    throw new RangeError(`${where}.intervalNum must be a positive integer, got ${input.intervalNum}`);
  }
  if (!Number.isInteger(input.limit) || input.limit < 0) {
    throw new RangeError(`${where}.limit must be a non-negative integer, got ${input.limit}`);
  }
  const intervalMs = input.intervalMs ?? (input.intervalNum * unitMs) / timeScale;
  if (!Number.isFinite(intervalMs) || intervalMs < 1) {
    throw new RangeError(`${where}.intervalMs must be a number of ms >= 1, got ${intervalMs}`);
  }
  const suffix = `${input.intervalNum}${INTERVAL_LETTER[input.interval]}`;
  const header =
    input.rateLimitType === 'REQUEST_WEIGHT'
      ? `X-MBX-USED-WEIGHT-${suffix}`
      : input.rateLimitType === 'ORDERS'
        ? `X-MBX-ORDER-COUNT-${suffix}`
        : undefined;
  return {
    type: input.rateLimitType,
    public: {
      rateLimitType: input.rateLimitType,
      interval: input.interval,
      intervalNum: input.intervalNum,
      limit: input.limit,
    },
    limit: input.limit,
    intervalMs,
    suffix,
    per: `${input.intervalNum} ${input.interval}`,
    header,
  };
}
