import { afterEach, describe, expect, it, vi } from 'vitest';
import { classify } from '../classify/classify.ts';
import { BinanceUnknownOutcomeError } from '../errors/classes.ts';
import { answerResend, type ReconcileContext, reconcile } from './reconcile.ts';

const URL_ = 'https://api.binance.com/api/v3/order';
const original = classify({
  status: 400,
  headers: {},
  body: {
    code: -1007,
    msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
  },
  request: { method: 'POST', url: `${URL_}?symbol=BTCUSDT` },
});
const notFound = () =>
  classify({
    status: 400,
    headers: {},
    body: { code: -2013, msg: 'Order does not exist.' },
    request: { method: 'GET', url: URL_ },
  });
const order = (expiresAt: number | undefined, id: string | null = 'my-1') => ({
  label: 'POST /api/v3/order',
  query: new URLSearchParams({ symbol: 'BTCUSDT', ...(id === null ? {} : { newClientOrderId: id }) }),
  body: undefined,
  ...(expiresAt === undefined ? {} : { expiresAt }),
});

function context(lookUp: ReconcileContext<string>['lookUp'], overrides: Partial<ReconcileContext<string>> = {}) {
  // `performance.now` is the fake timers' monotonic clock when they are on.
  return {
    lookUp,
    serverNow: () => Date.now(),
    steadyNow: () => performance.now(),
    uncertaintyMs: 0,
    maxWaitMs: 30_000,
    signal: undefined,
    ...overrides,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('reconcile', () => {
  it('resolves with the order the lookup finds, asking by symbol and client order id', async () => {
    const lookUp = vi.fn(async (query: URLSearchParams) => `found ${query}`);
    await expect(reconcile(order(Date.now() + 5000), original, context(lookUp))).resolves.toBe(
      'found symbol=BTCUSDT&origClientOrderId=my-1',
    );
    expect(lookUp).toHaveBeenCalledTimes(1);
  });

  it('concludes "not placed" from a lookup made after timestamp + recvWindow + the clock uncertainty', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const lookedUpAt: number[] = [];
    const lookUp = async () => {
      lookedUpAt.push(Date.now());
      throw notFound();
    };
    const result = reconcile(order(1_000_000 + 5000), original, context(lookUp, { uncertaintyMs: 40 })).catch(
      (error: unknown) => error,
    );
    await vi.runAllTimersAsync();
    const err = (await result) as BinanceUnknownOutcomeError;
    expect(err).toBeInstanceOf(BinanceUnknownOutcomeError);
    expect(err).toMatchObject({ executed: 'no', retryable: false, code: -1007, cause: expect.anything() });
    expect(err.data).toEqual({ reconciliation: { clientOrderId: 'my-1', symbol: 'BTCUSDT', found: false } });
    expect(lookedUpAt).toEqual([1_000_000, 1_000_000 + 5000 + 40 + 1]);
  });

  it('waits for the recvWindow on the steady clock when the server clock steps back during the wait', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    // With `clock: false` the server clock is the host's wall clock, and NTP steps it back an hour mid-wait.
    let stepMs = 0;
    setTimeout(() => {
      stepMs = -3_600_000;
    }, 300);
    const lookUp = vi.fn(async () => {
      throw notFound();
    });
    const ctx = context(lookUp, { serverNow: () => Date.now() + stepMs, steadyNow: () => Date.now() });
    const result = reconcile(order(1_000_000 + 5000), original, ctx).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    // Looked up again once 5 s had passed: on the stepped clock the order could still execute, an hour away, so the
    // original error stands — within maxWaitMs, not after an hour's sleep.
    expect(await result).toBe(original);
    expect(lookUp).toHaveBeenCalledTimes(2);
    expect(Date.now() - 1_000_000).toBe(5001);
  });

  it('keeps the original error when the recvWindow ends after maxWaitMs', async () => {
    const lookUp = vi.fn(async () => {
      throw notFound();
    });
    const ctx = context(lookUp, { maxWaitMs: 1000 });
    await expect(reconcile(order(Date.now() + 5000), original, ctx)).rejects.toBe(original);
    expect(lookUp).toHaveBeenCalledTimes(1);
  });

  it('keeps the original error when the lookup fails for another reason', async () => {
    const lookUp = async () => {
      throw classify({ status: 503, headers: {}, body: 'Service Unavailable', request: { method: 'GET', url: URL_ } });
    };
    await expect(reconcile(order(Date.now() - 1), original, context(lookUp))).rejects.toBe(original);
  });

  it('keeps the original error, sending nothing, without a client order id or a signed timestamp', async () => {
    const lookUp = vi.fn(async () => 'found');
    await expect(reconcile(order(Date.now(), null), original, context(lookUp))).rejects.toBe(original);
    await expect(reconcile(order(undefined), original, context(lookUp))).rejects.toBe(original);
    expect(lookUp).not.toHaveBeenCalled();
  });
});

describe('answerResend', () => {
  const prior = {
    settled: Promise.resolve(),
    pending: false,
    error: original,
    clientOrderId: 'first-id',
    ageMs: () => 1234,
    executableUntil: 42,
  };
  const described = () => ({ ...order(7, null), method: 'POST', origin: 'https://api.binance.com' }) as never;

  it('reconciles with the first send’s client order id and executable-until', async () => {
    const reconcileOrder = vi.fn(async (req: { query: URLSearchParams; expiresAt?: number }) => [
      req.query.get('newClientOrderId'),
      req.expiresAt,
    ]);
    await expect(answerResend(described(), prior, reconcileOrder)).resolves.toEqual(['first-id', 42]);
  });

  it('refuses to send again, with an unknown outcome, when it cannot reconcile', async () => {
    const err = await answerResend(described(), prior, undefined).catch((error: unknown) => error);
    expect(err).toBeInstanceOf(BinanceUnknownOutcomeError);
    expect(err).toMatchObject({ executed: 'unknown', retryable: false, cause: expect.anything() });
    expect((err as Error).message).toContain(
      'POST /api/v3/order was not sent again: the same request ended 1234 ms ago',
    );
  });
});
