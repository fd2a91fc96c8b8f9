import axios from 'axios';
import { describe, expectTypeOf, it } from 'vitest';
import { type BinanceError, type BinanceFilterError, binanceErrors, isBinanceError } from './index.ts';

describe('types', () => {
  it('narrows a caught error to the class of a category', () => {
    const e: unknown = undefined;
    if (isBinanceError(e, 'filter')) expectTypeOf(e).toEqualTypeOf<BinanceFilterError>();
    if (isBinanceError(e)) expectTypeOf(e).toMatchTypeOf<BinanceError>();
  });

  it('types the options and the per-request config', () => {
    expectTypeOf(binanceErrors).parameter(0).toMatchTypeOf<{ apiKey?: string | undefined } | undefined>();
    axios.get('/api/v3/account', { binance: { signed: false, recvWindow: 3000 } });
    // @ts-expect-error: recvWindow is a number of ms
    axios.get('/api/v3/account', { binance: { recvWindow: '3000' } });
    expectTypeOf(binanceErrors({}).install).returns.toEqualTypeOf<() => void>();
  });
});
