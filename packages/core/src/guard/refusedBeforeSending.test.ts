import { describe, expect, it } from 'vitest';
import { classify } from '../classify/classify.ts';
import {
  BinanceCircuitOpenError,
  BinanceIpBanError,
  BinanceNetworkError,
  BinanceThrottleError,
} from '../errors/classes.ts';
import { refusedBeforeSending } from './refusedBeforeSending.ts';

const ORDER = {
  method: 'POST',
  url: 'https://api.binance.com/api/v3/order?symbol=BTCUSDT&signature=s3cr3t-signature',
  label: 'POST /api/v3/order',
};

describe('refusedBeforeSending', () => {
  it('gives a known ban the 418 -1003 answer and names the caller’s request, not the clock’s', () => {
    const until = new Date(Date.now() + 119_500);
    const limiterError = new BinanceIpBanError({
      message: 'The IP is banned (418) until …; GET /api/v3/time was not sent.',
      retryAfterMs: 119_500,
      bannedUntil: until,
      status: 418,
      executed: 'no',
    });
    const err = refusedBeforeSending(limiterError, ORDER, ['s3cr3t-signature']) as BinanceIpBanError;
    expect(err).toBeInstanceOf(BinanceIpBanError);
    expect(err).toMatchObject({ sent: false, executed: 'no', status: 418, code: -1003, bannedUntil: until });
    expect(err.message).toContain('POST /api/v3/order was not sent');
    expect(err.message).not.toContain('/api/v3/time');
    expect(err.request).toEqual({ method: 'POST', url: expect.not.stringContaining('s3cr3t') });
    expect(err.response).toEqual({
      status: 418,
      headers: { 'content-type': 'application/json;charset=UTF-8', 'retry-after': '120' },
      data: {
        code: -1003,
        msg: `Way too much request weight used; IP banned until ${until.getTime()}. Please use WebSocket Streams for live updates to avoid bans.`,
      },
    });
    // Read back as the exchange's own answer, it is the same ban.
    const again = classify({ status: 418, headers: err.response!.headers, body: err.response!.data });
    expect(again).toMatchObject({ category: 'ip-ban', bannedUntil: until });
    expect(err.toJSON()).toMatchObject({ sent: false });
  });

  it('answers a wait over maxWaitMs 429 -1003, or -1015 when the order limit is full', () => {
    const weight = new BinanceThrottleError({
      message:
        'Throttled GET /api/v3/time: sending is paused after a 429 for another 8000 ms, longer than maxWaitMs 1000. Nothing was sent.',
      retryAfterMs: 8000,
    });
    const err = refusedBeforeSending(weight, ORDER, []) as BinanceThrottleError;
    expect(err.message).toBe(
      'Throttled POST /api/v3/order: sending is paused after a 429 for another 8000 ms, longer than maxWaitMs 1000. Nothing was sent.',
    );
    expect(err).toMatchObject({ sent: false, status: 429, code: -1003, response: { headers: { 'retry-after': '8' } } });
    const orders = new BinanceThrottleError({
      message:
        'Throttled POST /api/v3/order: ORDERS … room again in 3000 ms, longer than maxWaitMs 1000. Nothing was sent.',
      retryAfterMs: 3000,
      rateLimit: { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 },
    });
    expect(refusedBeforeSending(orders, ORDER, [])).toMatchObject({
      code: -1015,
      response: { status: 429, data: { msg: 'Too many new orders; current limit is 50 orders per 10 SECOND.' } },
    });
  });

  it('answers an open breaker 503 -1008, and keeps executed "no" although it is a 5xx', () => {
    const open = new BinanceCircuitOpenError({ message: 'open', retryAfterMs: 29_001 });
    expect(refusedBeforeSending(open, ORDER, [])).toMatchObject({
      name: 'BinanceCircuitOpenError',
      executed: 'no',
      sent: false,
      status: 503,
      code: -1008,
      response: { headers: { 'retry-after': '30' } },
    });
    // The breaker's own state stays in the sentence: half-open, a probe out, is not "open".
    const probing = new BinanceCircuitOpenError({
      message:
        'Binance circuit breaker is half-open after -1008 overloads, its probe not answered yet; the request was not sent [retry after 600 ms]',
      retryAfterMs: 600,
    });
    expect((refusedBeforeSending(probing, ORDER, []) as Error).message).toBe(
      'Binance circuit breaker is half-open after -1008 overloads, its probe not answered yet; POST /api/v3/order was not sent [retry after 600 ms].',
    );
    expect((refusedBeforeSending(open, ORDER, []) as Error).message).toBe(
      'Binance circuit breaker is open after -1008 overloads; POST /api/v3/order was not sent [retry after 29001 ms].',
    );
  });

  it('leaves every other error, and one already refused, as it is', () => {
    const network = new BinanceNetworkError({ message: 'reset' });
    expect(refusedBeforeSending(network, ORDER, [])).toBe(network);
    const refused = refusedBeforeSending(new BinanceCircuitOpenError({ message: 'open' }), ORDER, []);
    expect(refusedBeforeSending(refused, { ...ORDER, label: 'GET /api/v3/time' }, [])).toBe(refused);
    expect(refusedBeforeSending('text', ORDER, [])).toBe('text');
  });
});
