import ky, { type KyInstance } from 'ky';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type BinanceContext,
  type BinanceError,
  type BinanceRequestOptions,
  type BinanceTimestampError,
  binanceErrors,
  isBinanceError,
} from './index.ts';

describe('types', () => {
  it('narrows a caught error to the class of a category', () => {
    const e: unknown = undefined;
    if (isBinanceError(e, 'timestamp')) expectTypeOf(e).toEqualTypeOf<BinanceTimestampError>();
    if (isBinanceError(e)) expectTypeOf(e).toMatchTypeOf<BinanceError>();
  });

  it('types the options, the extended instance and the per-request context', () => {
    expectTypeOf(ky.extend(binanceErrors({ apiKey: 'k', apiSecret: 's' }))).toEqualTypeOf<KyInstance>();
    // @ts-expect-error: recvWindow is a number of ms
    binanceErrors({ recvWindow: '5000' });
    expectTypeOf<NonNullable<BinanceContext['binance']>>().toEqualTypeOf<BinanceRequestOptions>();
    const context = { binance: { signed: false } } satisfies BinanceContext;
    ky.get('https://api.binance.com/api/v3/account', { context });
  });
});
