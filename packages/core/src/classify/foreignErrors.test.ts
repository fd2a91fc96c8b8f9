import {
  BadRequestError,
  ConnectorClientError,
  ForbiddenError,
  NetworkError,
  RateLimitBanError,
  ServerError,
  TooManyRequestsError,
  UnauthorizedError,
} from '@binance/spot';
import { describe, expect, it } from 'vitest';
import { classify } from './classify.ts';
import { readForeignError } from './foreignErrors.ts';

describe('classify() on the errors other Binance SDKs throw', () => {
  it.each([
    [new BadRequestError('Filter failure: LOT_SIZE', -1013), { category: 'filter', code: -1013, filter: 'LOT_SIZE' }],
    [
      new BadRequestError('Account has insufficient balance for requested action.', -2010),
      { category: 'order-rejected', code: -2010, reason: 'INSUFFICIENT_BALANCE' },
    ],
    [new BadRequestError('Invalid symbol.', -1121), { category: 'request', code: -1121, executed: 'no' }],
    [
      new BadRequestError("Timestamp for this request was 1000ms ahead of the server's time.", -1021),
      { category: 'timestamp', code: -1021 },
    ],
    [
      new UnauthorizedError('Invalid API-key, IP, or permissions for action.', -2015),
      { category: 'auth', code: -2015, status: 401 },
    ],
    [new ForbiddenError(undefined, undefined), undefined],
    [
      new RateLimitBanError(
        'Way too much request weight used; IP banned until 1659146400000. Please use WebSocket Streams for live updates to avoid bans.',
        -1003,
      ),
      { category: 'ip-ban', code: -1003, status: 418, executed: 'no', retryable: true },
    ],
    [
      new TooManyRequestsError('Too many new orders; current limit is 50 orders per 10 SECOND.', -1015),
      { category: 'rate-limit', code: -1015, status: 429, executed: 'no' },
    ],
    [new ConnectorClientError('Unknown order sent.', -2013), { category: 'not-found', code: -2013 }],
    [new ServerError('Server error: 503', 503), { category: 'unknown-outcome', status: 503, executed: 'unknown' }],
  ] as const)('reads the connector’s %s', (error, expected) => {
    const err = classify({ error });
    if (expected === undefined) {
      // Without a code the connector kept nothing of Binance's answer but the status its class stands for.
      expect(err).toMatchObject({ status: 403, category: 'waf' });
      return;
    }
    expect(err).toMatchObject(expected);
    expect(err.cause).toMatchObject({ name: error.name });
  });

  it('reads the connector’s transport failures as network errors whose outcome is unknown', () => {
    for (const error of [
      new NetworkError('Network error or request timeout.'),
      new Error('Request failed after 3 retries'),
    ]) {
      expect(classify({ error })).toMatchObject({ category: 'network', executed: 'unknown' });
    }
  });

  it('reads the `binance` package’s plain objects', () => {
    const error = {
      code: -2010,
      message: 'Account has insufficient balance for requested action.',
      body: { code: -2010, msg: 'Account has insufficient balance for requested action.' },
      headers: { 'x-mbx-used-weight-1m': '3' },
      requestUrl: 'https://api.binance.com/api/v3/order?symbol=BTCUSDT&signature=abc',
      requestBody: undefined,
      requestOptions: {},
    };
    expect(classify({ error })).toMatchObject({ category: 'order-rejected', code: -2010, executed: 'no' });
    expect(
      classify({
        error: {
          ...error,
          code: -1007,
          body: {
            code: -1007,
            msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
          },
        },
      }),
    ).toMatchObject({ category: 'unknown-outcome', executed: 'unknown' });
    // Its requestUrl names the API that answered: -2022 is an order rejection on futures (on Spot, a cancel-replace).
    const futures = {
      ...error,
      code: -2022,
      message: 'ReduceOnly Order is rejected.',
      body: { code: -2022, msg: 'ReduceOnly Order is rejected.' },
      requestUrl: 'https://fapi.binance.com/fapi/v1/order?symbol=BTCUSDT&signature=abc',
    };
    expect(classify({ error: futures })).toMatchObject({ category: 'order-rejected', code: -2022 });
    expect(classify({ error: futures }).docsUrl).toContain('/errors/usdm/');
  });

  it('reads ccxt’s messages that carry Binance’s body', () => {
    class InsufficientFunds extends Error {}
    const error = new InsufficientFunds(
      'binance {"code":-2010,"msg":"Account has insufficient balance for requested action."}',
    );
    expect(classify({ error })).toMatchObject({
      category: 'order-rejected',
      code: -2010,
      reason: 'INSUFFICIENT_BALANCE',
    });
    expect(
      readForeignError(new Error('binance GET https://api.binance.com/api/v3/time 500 Internal Server Error')),
    ).toBeUndefined();
  });

  it('leaves errors that are none of these to the rest of classify', () => {
    for (const value of [
      null,
      'text',
      42,
      new Error('boom'),
      { code: -1, message: 'no body' },
      Object.assign(new Error('x'), { name: 'ConnectorClientError' }),
    ]) {
      expect(readForeignError(value)).toBeUndefined();
    }
  });
});
