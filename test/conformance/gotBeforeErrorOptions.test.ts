import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { binanceErrors } from '@binance-errors/got';
import { createFakeExchange } from '@binance-errors/testing';
import got from 'got';
import { expect, it } from 'vitest';

// got types a `beforeError` hook's argument as its RequestError, whose `options` are always there, so logging hooks
// read `error.options.method` and `.url` unchecked. The typed error those hooks now get carries a redacted got view
// of them: no key header, no signature.

const API_KEY = 'finding-got-hooks-options-key-0123456789';
const API_SECRET = 'finding-got-hooks-options-secret-0123456789';

it("a logging beforeError hook written for got's RequestError still lets the typed error through", async () => {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000' } }],
  });
  const guard = new BinanceGuard(ex.url, {});
  try {
    const logged: string[] = [];
    const client = got.extend(
      {
        prefixUrl: ex.url,
        hooks: {
          beforeError: [
            (error) => {
              // got's own docs and types: `error.options` is always set on a RequestError.
              logged.push(`${error.options.method} ${error.options.url?.toString()} failed: ${error.message}`);
              return error;
            },
          ],
        },
      },
      binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }),
    );
    const err = await client.get('api/v3/ticker/price', { searchParams: { symbol: 'NOPE' } }).catch((e: unknown) => e);
    expect(isBinanceError(err)).toBe(true);
    expect(err).toMatchObject({ code: -1121 });
    expect(logged).toHaveLength(1);
    expect(logged[0]).not.toContain(API_KEY);
    expect(logged[0]).not.toMatch(/signature=/);
  } finally {
    guard.close();
    await ex.close();
  }
});
