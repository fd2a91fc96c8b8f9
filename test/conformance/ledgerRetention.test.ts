import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { binanceErrors } from '@binance-errors/got';
import { createFakeExchange } from '@binance-errors/testing';
import got from 'got';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectGarbage } from './support/gc.ts';

// A bot that runs for weeks meets 5xx answers on order placements now and then. The ledger remembers each such
// order for recvWindow + 60 s, so that no retry layer sends it twice, and must then let it go with its error, whether
// or not the same order is asked for again: an entry was dropped only by a lookup of the same request or at 10,000
// entries, each holding an error (about 25 kB with got) for as long as the process lived.
//
// The ledger measures its time on the steady clock (performance.now); this test moves it on by two minutes.

const KEY = 'ledger-retention-api-key-0123456789abcdef';
const SECRET = 'ledger-retention-api-secret-0123456789abcdef';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Api = ReturnType<typeof got.extend>;

function place(api: Api, id: string): Promise<{ statusCode: number }> {
  return api.post('api/v3/order', {
    form: {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: '1000',
      quantity: '0.02',
      newClientOrderId: id,
    },
  }) as unknown as Promise<{ statusCode: number }>;
}

/** Places an order that fails with a 5xx (outcome unknown) and returns a weak reference to its error only. */
async function unknownOutcome(api: Api, id: string): Promise<WeakRef<object>> {
  const error = await place(api, id).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isBinanceError(error) && error.executed).toBe('unknown');
  return new WeakRef(error as object);
}

describe('the never-twice ledger in a long-running bot', () => {
  it('lets go of an unknown-outcome order (and its error) once its time is over, without a re-send of it', async () => {
    const ex = await createFakeExchange({
      accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '1000000000', BTC: '1000' } }],
    });
    cleanups.push(() => ex.close());
    const guard = new BinanceGuard(ex.url, { breaker: false });
    cleanups.push(() => guard.close());
    const api = got.extend({ prefixUrl: ex.url }, binanceErrors({ apiKey: KEY, apiSecret: SECRET, guard }));

    // An incident: 40 orders answered 500 -1000, their outcome unknown.
    const fault = ex.fault({ kind: 'server-error', match: { method: 'POST', path: '/api/v3/order' } });
    const resent: WeakRef<object>[] = [];
    const forgotten: WeakRef<object>[] = [];
    for (let i = 0; i < 20; i++) resent.push(await unknownOutcome(api, `resent-${i}`));
    for (let i = 0; i < 20; i++) forgotten.push(await unknownOutcome(api, `forgotten-${i}`));
    fault.remove();

    // Two minutes pass (recvWindow 5 s + 60 s is the ledger's memory).
    const realNow = performance.now.bind(performance);
    vi.spyOn(performance, 'now').mockImplementation(() => realNow() + 120_000);

    // The bot goes on trading. Control: the first 20 are sent again by the caller, which the ledger now allows.
    for (let i = 0; i < 20; i++) expect((await place(api, `resent-${i}`)).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await place(api, `later-${i}`)).statusCode).toBe(200);

    collectGarbage();
    await new Promise((r) => setTimeout(r, 20));
    collectGarbage();
    const held = (refs: WeakRef<object>[]) => refs.filter((ref) => ref.deref() !== undefined).length;
    // The control shows the ledger is what holds them: the re-sent ones are collected.
    expect(held(resent)).toBe(0);
    // The others expired just as long ago, and nothing but the ledger refers to them.
    expect(held(forgotten)).toBe(0);
  });
});
