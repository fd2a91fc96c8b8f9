import { BinanceAbortError, BinanceIpBanError, BinanceThrottleError } from '../errors/classes.ts';
import { redactText } from '../errors/redact.ts';
import type { RateLimit } from '../errors/types.ts';
import type { ThrottleLimitScope, ThrottleLimitUsage } from './types.ts';

// The limiter's refusals. Every one says what was refused, why, with the numbers, and that nothing was sent.

/** The request waited past `maxWaitMs` (or would): `limit` is the full limit, or undefined during a 429 pause. */
export function waitTooLongError(
  label: string | undefined,
  needs: number,
  waitMs: number,
  maxWaitMs: number,
  limit: ThrottleLimitUsage | undefined,
): BinanceThrottleError {
  const wait = Math.ceil(waitMs);
  const why =
    limit === undefined
      ? `sending is paused after a 429 for another ${wait} ms`
      : `${describeLimit(limit)} (this process uses up to ${limit.capacity}) has ${limit.used} used and the request needs ${needs}; room again in ${wait} ms`;
  return new BinanceThrottleError({
    message: `Throttled ${describe(label)}: ${why}, longer than maxWaitMs ${maxWaitMs}. Nothing was sent.`,
    retryAfterMs: wait,
    executed: 'no',
    retryable: true,
    rateLimit: limit === undefined ? undefined : publicLimit(limit),
  });
}

/** The request needs more than a whole window of `limit` lets this process use: it can never be sent. */
export function tooHeavyError(
  label: string | undefined,
  amount: number,
  limit: RateLimit,
  capacity: number,
  safety: number,
): BinanceThrottleError {
  return new BinanceThrottleError({
    message:
      `Throttled ${describe(label)}: it needs ${amount} but ${describeLimit(limit)} ` +
      `lets this process use at most ${capacity} in a window (safety ${safety}), so it can never be sent. Nothing was sent.`,
    executed: 'no',
    retryable: false,
    rateLimit: publicLimit(limit),
  });
}

/** The IP is banned (418) until `bannedUntil` (server ms); `retryAfterMs` from `t`. */
export function banError(label: string | undefined, bannedUntil: number, retryAfterMs: number): BinanceIpBanError {
  return new BinanceIpBanError({
    message: `The IP is banned (418) until ${new Date(bannedUntil).toISOString()}, ${retryAfterMs} ms from now; ${describe(label)} was not sent.`,
    retryAfterMs,
    bannedUntil: new Date(bannedUntil),
    executed: 'no',
    retryable: true,
    status: 418,
  });
}

/** The caller's signal aborted while the request waited. */
export function abortError(label: string | undefined, signal: AbortSignal): BinanceAbortError {
  return new BinanceAbortError({
    message: `${describe(label)} was aborted while waiting for rate-limit budget; nothing was sent.`,
    executed: 'no',
    cause: signal.reason,
  });
}

/** The limiter (or the guard) was closed while the request waited (for budget, or for the clock's sync). */
export function closedError(label: string | undefined, what = 'rate limiter', waitedFor = 'budget'): BinanceAbortError {
  return new BinanceAbortError({
    message: `The ${what} was closed while ${describe(label)} waited for ${waitedFor}; nothing was sent.`,
    executed: 'no',
  });
}

/** A label as events and `toJSON` may show it: secrets (a signature, a key in the query) redacted. */
export function safeLabel(label: string | undefined): string | undefined {
  return label === undefined ? undefined : redactText(label);
}

function describe(label: string | undefined): string {
  return label === undefined ? 'the request' : label;
}

/** `REQUEST_WEIGHT 6000 per 1 MINUTE`, with the budget or endpoint group when the limit has one. */
function describeLimit(limit: RateLimit & ThrottleLimitScope): string {
  const text = `${limit.rateLimitType} ${limit.limit} per ${limit.intervalNum} ${limit.interval}`;
  if (limit.group !== undefined)
    return `the own limit of ${limit.group}, ${limit.limit} per ${limit.intervalNum} ${limit.interval}`;
  return limit.budget === undefined ? text : `${limit.budget} budget's ${text}`;
}

/** The four exchangeInfo fields only: an error carries no usage numbers of ours in `rateLimit`. */
function publicLimit(limit: RateLimit): RateLimit {
  return {
    rateLimitType: limit.rateLimitType,
    interval: limit.interval,
    intervalNum: limit.intervalNum,
    limit: limit.limit,
  };
}
