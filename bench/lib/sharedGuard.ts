/**
 * A fake exchange with axios, ky and got in front of it sharing one `BinanceGuard` (the documented way for several
 * clients on one IP), and the edge-guard settings B2 compares: the setup of every B2 variant that measures
 * binance-errors.
 */
import { BinanceGuard, type BinanceGuardOptions } from '@binance-errors/core';
import { createFakeExchange, type FakeExchange, type FakeExchangeOptions } from '@binance-errors/testing';
import { BENCH_ACCOUNT, BENCH_KEY, pluginClients, type Send } from './clients.ts';

export type ThrottleOptions = Exclude<BinanceGuardOptions['throttle'], false | undefined>;

export interface SharedGuard {
  ex: FakeExchange;
  guard: BinanceGuard;
  /** One send per client, all through `guard`. */
  sends: Send[];
  /** Closes the guard, then the exchange. */
  close(): Promise<void>;
}

/** Starts a fake exchange (with {@link BENCH_ACCOUNT}) and the plugin clients behind one guard of `throttle`. */
export async function sharedGuard(exchange: FakeExchangeOptions, throttle: ThrottleOptions): Promise<SharedGuard> {
  const ex = await createFakeExchange({ accounts: [BENCH_ACCOUNT], ...exchange });
  const guard = new BinanceGuard(ex.url, { throttle });
  return {
    ex,
    guard,
    sends: pluginClients().map((c) => c.plugin(ex.url, { ...BENCH_KEY, guard })),
    close: async () => {
      guard.close();
      await ex.close();
    },
  };
}

/** The edge guards B2 runs side by side: `throttle.edgeGuardMs` of each, `undefined` for the default. */
export const EDGE_GUARD_VARIANTS = {
  'derived edge guard (default)': undefined,
  'edgeGuardMs: 500 (the former default)': 500,
} as const;
export type EdgeGuardVariant = keyof typeof EDGE_GUARD_VARIANTS;
export const EDGE_GUARD_VARIANT_NAMES = Object.keys(EDGE_GUARD_VARIANTS) as EdgeGuardVariant[];

/** The variant's `throttle` options beside `limits`: nothing for the derived guard, `edgeGuardMs` for a fixed one. */
export function edgeGuardOption(variant: EdgeGuardVariant): Pick<ThrottleOptions, 'edgeGuardMs'> {
  const edgeGuardMs = EDGE_GUARD_VARIANTS[variant];
  return edgeGuardMs === undefined ? {} : { edgeGuardMs };
}

/** The guard's edge guard in use, ms (`NaN` when its throttle is off). */
export function edgeGuardOf(guard: BinanceGuard): number {
  return guard.snapshot().throttle?.edgeGuardMs ?? Number.NaN;
}
