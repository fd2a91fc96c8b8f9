import { describe, expect, it } from 'vitest';
import { classify } from '../classify/classify.ts';
import type { BinanceError } from '../errors/BinanceError.ts';
import { BinanceTimestampError } from '../errors/classes.ts';
import {
  type FailedAttempt,
  RATE_LIMIT_RETRIES,
  type RetryPolicy,
  type RetryStep,
  retryDecision,
} from './retryDecision.ts';

const ORDER = { method: 'POST', url: 'https://api.binance.com/api/v3/order?symbol=BTCUSDT&signature=s3cr3t' };
const DEPTH = { method: 'GET', url: 'https://api.binance.com/api/v3/depth?symbol=BTCUSDT' };

const answer = (request: typeof ORDER, status: number, code: number, msg: string, headers = {}): BinanceError =>
  classify({ status, headers, body: { code, msg }, request });
const timestamp = (request = ORDER) =>
  answer(request, 400, -1021, 'Timestamp for this request is outside of the recvWindow.');
const tooMany = (request: typeof ORDER, retryAfterS: number) =>
  answer(request, 429, -1003, 'Too many requests.', { 'retry-after': String(retryAfterS) });
const timeout = (request = ORDER) =>
  answer(
    request,
    400,
    -1007,
    'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
  );
const serverError = (request = DEPTH) => classify({ status: 503, headers: {}, body: 'Service Unavailable', request });
const reset = (request = DEPTH) =>
  classify({ error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), request });
const rejected = (request = ORDER) =>
  answer(request, 400, -2010, 'Account has insufficient balance for requested action.');

const POLICY: RetryPolicy = {
  clock: true,
  limiter: true,
  maxWaitMs: 30_000,
  readRetries: 2,
  baseDelayMs: 200,
  maxDelayMs: 2000,
};
const FRESH = { timestampRetried: false, rateLimitRetries: 0, readRetries: 0 };

function failed(error: BinanceError, overrides: Partial<FailedAttempt> = {}): FailedAttempt {
  const method = error.request?.method ?? 'GET';
  const signed = method === 'POST';
  return {
    error,
    method,
    signed,
    canResign: signed,
    placement: signed,
    reconcile: false,
    secrets: ['s3cr3t'],
    ...overrides,
  };
}

describe('retryDecision', () => {
  const rows: [string, FailedAttempt, Partial<typeof FRESH>, Partial<RetryPolicy>, RetryStep['kind'], number?][] = [
    ['resyncs after the first -1021 of a request it can sign again', failed(timestamp()), {}, {}, 'resync'],
    ['gives up on a second -1021', failed(timestamp()), { timestampRetried: true }, {}, 'throw'],
    ['gives up on a -1021 without a clock to resync', failed(timestamp()), {}, { clock: false }, 'throw'],
    ['does not resync an unsigned request', failed(timestamp(DEPTH), { signed: false }), {}, {}, 'throw'],
    ['waits out a 429 through the limiter', failed(tooMany(ORDER, 3)), {}, {}, 'rate-limit', 3000],
    ['waits out a 429 on a read too', failed(tooMany(DEPTH, 1)), {}, {}, 'rate-limit', 1000],
    [
      'gives up on a 429 after three waits',
      failed(tooMany(DEPTH, 1)),
      { rateLimitRetries: RATE_LIMIT_RETRIES },
      {},
      'throw',
    ],
    ['gives up on a 429 whose Retry-After exceeds maxWaitMs', failed(tooMany(DEPTH, 31)), {}, {}, 'throw'],
    ['honors the call’s own maxWaitMs', failed(tooMany(DEPTH, 3)), {}, { maxWaitMs: 2000 }, 'throw'],
    ['gives up on a 429 without a limiter to pause', failed(tooMany(DEPTH, 1)), {}, { limiter: false }, 'throw'],
    ['retries a read after a 503 with backoff', failed(serverError()), {}, {}, 'read-retry', 200],
    ['doubles the backoff for the second read retry', failed(serverError()), { readRetries: 1 }, {}, 'read-retry', 400],
    [
      'caps the backoff at maxDelayMs',
      failed(serverError()),
      { readRetries: 1 },
      { readRetries: 5, maxDelayMs: 300 },
      'read-retry',
      300,
    ],
    ['retries a read after a connection reset', failed(reset()), {}, {}, 'read-retry', 200],
    ['retries a read after a -1007', failed(timeout(DEPTH)), {}, {}, 'read-retry', 200],
    ['stops retrying reads at the retry.reads option', failed(serverError()), { readRetries: 2 }, {}, 'throw'],
    ['never retries reads when retry.reads is 0', failed(serverError()), {}, { readRetries: 0 }, 'throw'],
    ['never resends an order placement after a -1007', failed(timeout()), {}, {}, 'throw'],
    [
      'never resends a method that is not idempotent, even after an error that calls itself retryable',
      failed(serverError(), { method: 'POST' }),
      {},
      {},
      'throw',
    ],
    ['never resends an order after a connection reset', failed(reset(ORDER)), {}, {}, 'throw'],
    [
      'reconciles an order placement of unknown outcome when asked',
      failed(timeout(), { reconcile: true }),
      {},
      {},
      'reconcile',
    ],
    [
      'does not reconcile what is not a placement',
      failed(timeout(), { reconcile: true, placement: false }),
      {},
      {},
      'throw',
    ],
    [
      'does not reconcile what it could not sign',
      failed(timeout(), { reconcile: true, canResign: false }),
      {},
      {},
      'throw',
    ],
    ['does not reconcile a definite rejection', failed(rejected(), { reconcile: true }), {}, {}, 'throw'],
  ];

  it.each(rows)('%s', (_, attempt, tally, policy, kind, delayMs) => {
    const step = retryDecision(attempt, { ...FRESH, ...tally }, { ...POLICY, ...policy }, () => 1);
    expect(step.kind).toBe(kind);
    if (delayMs !== undefined) expect(step).toEqual({ kind, delayMs });
    if (step.kind === 'throw') expect(step.error).toBe(attempt.error);
  });

  it('draws the read backoff from [0, ceiling] with full jitter', () => {
    const step = retryDecision(failed(serverError()), { ...FRESH, readRetries: 1 }, POLICY, () => 0.5);
    expect(step).toEqual({ kind: 'read-retry', delayMs: 200 });
  });

  it('throws a -1021 the caller signed itself, with a hint to give the plugin the secret', () => {
    const error = timestamp();
    const step = retryDecision(failed(error, { canResign: false }), FRESH, POLICY);
    expect(step.kind).toBe('throw');
    const thrown = (step as Extract<RetryStep, { kind: 'throw' }>).error;
    expect(thrown).not.toBe(error);
    expect(thrown).toBeInstanceOf(BinanceTimestampError);
    expect(thrown).toMatchObject({ code: -1021, status: 400, retryable: false, message: error.message });
    expect(thrown.hint).toContain('signed by the caller');
    expect(thrown.request?.url).not.toContain('s3cr3t');
  });
});
