import got, { type Response } from 'got';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type BinanceContext,
  type BinanceError,
  type BinanceFilterError,
  type BinanceRequestOptions,
  binanceErrors,
  isBinanceError,
} from './index.ts';

describe('types', () => {
  it('narrows a caught error to the class of a category', () => {
    const e: unknown = undefined;
    if (isBinanceError(e, 'filter')) expectTypeOf(e).toEqualTypeOf<BinanceFilterError>();
    if (isBinanceError(e)) expectTypeOf(e).toMatchTypeOf<BinanceError>();
  });

  it('keeps the extended instance typed like got itself', () => {
    const api = got.extend({ prefixUrl: 'https://api.binance.com' }, binanceErrors({ apiKey: 'k', apiSecret: 's' }));
    expectTypeOf(api.get('api/v3/time')).resolves.toEqualTypeOf<Response<string>>();
    expectTypeOf(api.get('api/v3/time').json<{ serverTime: number }>()).resolves.toEqualTypeOf<{
      serverTime: number;
    }>();
    // @ts-expect-error: recvWindow is a number of ms
    binanceErrors({ recvWindow: '5000' });
    expectTypeOf<NonNullable<BinanceContext['binance']>>().toEqualTypeOf<BinanceRequestOptions>();
    const context = { binance: { signed: false } } satisfies BinanceContext;
    api.get('api/v3/account', { context });
  });
});
