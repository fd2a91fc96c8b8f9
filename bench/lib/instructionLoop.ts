/**
 * The loop `bench/instructions.ts` counts under callgrind: guard calls in memory, 32 at a time, each answered at once
 * by a transport that builds a real fetch `Response` with Binance's usage headers, and whose body the caller reads.
 * Nothing goes over the network, so what is counted is the guard's work and the `Response`'s, not the I/O's.
 *
 * Environment: `LOOP_VARIANT` (see {@link VARIANTS}), `LOOP_REQUESTS` counted after `LOOP_WARMUP`, `LOOP_MIX=1`
 * for B1's mix (every fifth request a signed `GET /api/v3/openOrders`: signed by the plugin, or, bare, stamped and
 * signed by hand as B1's bare clients do, so that the difference is what B1 sees).
 */
import { fileURLToPath } from 'node:url';
import { BinanceGuard, type BinanceGuardOptions, createPlugin, readFetchResponse } from '@binance-errors/core';
import { GUARD_OPTIONS } from '../b1Overhead.ts';
import { BENCH_KEY, type BenchRequest, queryOf } from './clients.ts';

/** What each variant runs: `bare` only the transport, the others the guard with these options (B1's, in part). */
export const VARIANTS = {
  bare: undefined,
  'guard, every part off': { throttle: false, clock: false, breaker: false },
  'guard, throttle only': { ...GUARD_OPTIONS, clock: false, breaker: false },
  guard: GUARD_OPTIONS,
} as const satisfies Record<string, BinanceGuardOptions | undefined>;

export type LoopVariant = keyof typeof VARIANTS;

const ORIGIN = 'http://127.0.0.1:9';
const TICKER = `${ORIGIN}/api/v3/ticker/price?symbol=BTCUSDT`;
const OPEN_ORDERS: BenchRequest = {
  method: 'GET',
  path: '/api/v3/openOrders',
  params: { symbol: 'BTCUSDT' },
  signed: true,
};
const OPEN_ORDERS_UNSIGNED = `${ORIGIN}${OPEN_ORDERS.path}?${new URLSearchParams(OPEN_ORDERS.params)}`;
const CONCURRENCY = 32;

let used = 0;
/** The exchange's answer, at once: a body for the clock's `/time`, usage headers on every one. */
function respond(url: string): Promise<Response> {
  used += 2;
  const body = url.includes('/time') ? JSON.stringify({ serverTime: Date.now() }) : '{}';
  return Promise.resolve(
    new Response(body, {
      status: 200,
      headers: {
        'content-type': 'application/json',
        'x-mbx-used-weight': String(used),
        'x-mbx-used-weight-1m': String(used),
      },
    }),
  );
}

async function main(): Promise<void> {
  const variant = process.env.LOOP_VARIANT as LoopVariant;
  if (!(variant in VARIANTS)) throw new TypeError(`LOOP_VARIANT must be one of ${Object.keys(VARIANTS).join(', ')}`);
  const options = VARIANTS[variant];
  const guard = options && new BinanceGuard(ORIGIN, options);
  const plugin = guard && createPlugin({ ...BENCH_KEY, guard });
  const transport = { send: (attempt: { url: string }) => respond(attempt.url), read: readFetchResponse };
  const call = (url: string): Promise<Response> =>
    plugin ? plugin.guardFor(url).run({ method: 'GET', url }, transport, plugin.callOptions()) : respond(url);
  const openOrders = (): string =>
    plugin ? OPEN_ORDERS_UNSIGNED : `${ORIGIN}${OPEN_ORDERS.path}?${queryOf(OPEN_ORDERS, BENCH_KEY)}`;
  const mix = process.env.LOOP_MIX === '1';
  const loop = async (n: number) => {
    let i = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (i < n) {
          const url = mix && i % 5 === 0 ? openOrders() : TICKER;
          i++;
          await (await call(url)).text();
        }
      }),
    );
  };
  await loop(Number(process.env.LOOP_WARMUP));
  await loop(Number(process.env.LOOP_REQUESTS));
  guard?.close();
}

// Run as a script (by `bench/instructions.ts`, under valgrind); imported, it only says what the variants are.
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
