import { isIdempotentMethod } from '../catalog/policy.ts';
import type { BinanceError } from '../errors/BinanceError.ts';
import { errorClassFor } from '../errors/errorClassFor.ts';
import { backoffDelay } from './backoff.ts';

/** Retries of one call after a 429, while the limiter can wait out its `Retry-After`. */
export const RATE_LIMIT_RETRIES = 3;

/** A failed attempt of a call, and what the call allows. */
export interface FailedAttempt {
  /** What the attempt ended in. */
  error: BinanceError;
  /** HTTP method, upper case. */
  method: string;
  signed: boolean;
  /** Whether the guard holds a signer, so it can stamp and sign the request again. */
  canResign: boolean;
  /** Whether the request places an order (the profile's placements). */
  placement: boolean;
  /** The call's `reconcile` option. */
  reconcile: boolean;
  /** Exact values to scrub from an error built here. */
  secrets: readonly string[];
}

/** How many times each kind of retry has already happened in this call. */
export interface RetryTally {
  timestampRetried: boolean;
  rateLimitRetries: number;
  readRetries: number;
}

/** What the guard has to retry with, and its `retry` options. */
export interface RetryPolicy {
  /** Whether there is a server clock to resync. */
  clock: boolean;
  /** Whether there is a limiter that waits out a 429's `Retry-After`. */
  limiter: boolean;
  /** Longest wait for budget this call accepts, ms. */
  maxWaitMs: number;
  /** Retries of idempotent reads. */
  readRetries: number;
  /** First backoff step, ms. */
  baseDelayMs: number;
  /** Longest backoff, ms. */
  maxDelayMs: number;
}

/** The next step of a call after a failed attempt. */
export type RetryStep =
  /** Resync the clock, then stamp, sign and send again (a -1021, once). */
  | { kind: 'resync' }
  /** Send again through the limiter, which is paused until `Retry-After` (a 429 was never executed). */
  | { kind: 'rate-limit'; delayMs: number }
  /** Sleep `delayMs`, then send an idempotent read again. */
  | { kind: 'read-retry'; delayMs: number }
  /** Look the order up by its client order id. */
  | { kind: 'reconcile' }
  /** Give up with `error`. */
  | { kind: 'throw'; error: BinanceError };

const READ_RETRY_CATEGORIES: ReadonlySet<string> = new Set(['unknown-outcome', 'server', 'network', 'timeout']);

/**
 * Decides what follows a failed attempt, retrying only where that is safe: a -1021 once after a resync, a 429
 * after `Retry-After` within `maxWaitMs`, idempotent reads after 5xx, -1007 or network errors with backoff, an order
 * placement of unknown outcome by reconciling. Nothing that may have executed is ever sent again.
 *
 * @param random Source of the backoff's jitter, in [0, 1). @default Math.random
 */
export function retryDecision(
  failed: FailedAttempt,
  tally: RetryTally,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryStep {
  const { error } = failed;
  if (error.category === 'timestamp' && failed.signed && !failed.canResign) {
    // The caller signed it: sending the same stale signature again cannot succeed.
    return {
      kind: 'throw',
      error: withHint(
        error,
        'The request was signed by the caller, and the plugin has no apiSecret/privateKey to sign it again with a ' +
          'timestamp on the server clock. Give binanceErrors() the apiSecret (or privateKey) and let it sign.',
        failed.secrets,
      ),
    };
  }
  if (error.category === 'timestamp' && failed.signed && !tally.timestampRetried && policy.clock) {
    return { kind: 'resync' };
  }
  if (
    error.category === 'rate-limit' &&
    tally.rateLimitRetries < RATE_LIMIT_RETRIES &&
    policy.limiter &&
    (error.retryAfterMs ?? 0) <= policy.maxWaitMs
  ) {
    return { kind: 'rate-limit', delayMs: error.retryAfterMs ?? 0 };
  }
  if (
    error.retryable &&
    isIdempotentMethod(failed.method) &&
    tally.readRetries < policy.readRetries &&
    READ_RETRY_CATEGORIES.has(error.category)
  ) {
    return {
      kind: 'read-retry',
      delayMs: backoffDelay(tally.readRetries + 1, policy.baseDelayMs, policy.maxDelayMs, random),
    };
  }
  if (failed.reconcile && error.executed === 'unknown' && failed.canResign && failed.placement) {
    return { kind: 'reconcile' };
  }
  return { kind: 'throw', error };
}

/** The same error with another hint. */
function withHint(err: BinanceError, hint: string, secrets: readonly string[]): BinanceError {
  const ErrorClass = errorClassFor(err.category);
  return new ErrorClass({
    message: err.message,
    code: err.code,
    msg: err.msg,
    status: err.status,
    retryable: false,
    executed: err.executed,
    hint,
    docsUrl: err.docsUrl,
    request: err.request,
    response: err.response,
    cause: err.cause,
    secrets,
  });
}
