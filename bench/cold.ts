/**
 * What the guard costs when the CPU's caches no longer hold its code and data: between two requests this sweeps a
 * buffer of 0, 1, 4 and 16 MiB (one write per 64-byte line), as a client's and Node's own work does between two of a
 * real client's requests. The guard is called as the adapters call it (`createPlugin(…).guardFor(url).run`), with a
 * transport that answers at once with a real fetch `Response`, so no I/O and no client code run: what grows with the
 * sweep is the price of the guard's path paid cold.
 *
 * Every variant runs once per round, in an order shuffled each round, and a round's times are paired, so a slower
 * stretch of the machine moves every variant alike; a variant's added time is the median of its per-round
 * differences from bare. Each variant has several guards, made interleaved and taken in turn round by round, and the
 * guard is measured twice: a fixed order or one guard per variant favoured whichever ran later or was made later by
 * up to 4 µs at 16 MiB, and the second guard's row shows what is left of such errors. In memory (0 MiB) the guard's
 * path costs about 1 µs; beside a real client (B1) it costs what the sweep that matches the client's own traffic
 * shows. See docs/guide/performance.md, "The guard with its caches emptied".
 *
 *   npm run bench:cold
 *   COLD_MB=0,16 COLD_ROUNDS=8000 npm run bench:cold
 */
import { BinanceGuard, type BinanceGuardOptions, createPlugin, readFetchResponse } from '@binance-errors/core';
import { GUARD_OPTIONS } from './b1Overhead.ts';
import { BENCH_KEY } from './lib/clients.ts';
import { listFromEnv, positiveFromEnv } from './lib/env.ts';
import { mdTable } from './lib/markdown.ts';
import { Progress } from './lib/progress.ts';
import { num, quantile, seededRandom } from './lib/stats.ts';

/**
 * Rounds run first without a sweep, and left out: until V8 has optimized the whole path (thousands of calls), a
 * sweep finds code still on its earlier tiers, and the first size measured came out 5–9 µs above the same size later.
 */
const HOT_WARMUP_ROUNDS = 10_000;
/** Rounds run first at each sweep size and left out. */
const WARMUP_ROUNDS = 500;
/** Guards per variant, taken in turn: where in memory one guard's objects lie is not charged to its variant. */
const INSTANCES = 4;
const ORIGIN = 'http://127.0.0.1:9';
const TICKER_URL = `${ORIGIN}/api/v3/ticker/price?symbol=BTCUSDT`;

/** Each variant: the guard's options, or `undefined` for the transport alone. */
const VARIANTS: readonly { name: string; options: BinanceGuardOptions | undefined }[] = [
  { name: 'bare', options: undefined },
  { name: 'guard, throttle, clock and breaker off', options: { throttle: false, clock: false, breaker: false } },
  { name: 'guard, throttle only', options: { ...GUARD_OPTIONS, clock: false, breaker: false } },
  { name: 'guard', options: GUARD_OPTIONS },
  { name: "guard again (the harness's own error)", options: GUARD_OPTIONS },
];

const sizes = listFromEnv('COLD_MB', '0,1,4,16', (n) => n >= 0 && n <= 1024, 'a list of sizes in MiB from 0 to 1024');
const rounds = positiveFromEnv('COLD_ROUNDS', 3000);

/** Usage headers that grow as the exchange's would, so the throttle reconciles every answer. */
let used = 0;
function respond(): Promise<Response> {
  used += 2;
  const count = String(used);
  return Promise.resolve(
    new Response('{"symbol":"BTCUSDT","price":"1.00"}', {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-mbx-used-weight': count, 'x-mbx-used-weight-1m': count },
    }),
  );
}

const transport = { send: () => respond(), read: readFetchResponse };
function sender(options: BinanceGuardOptions | undefined): () => Promise<unknown> {
  if (options === undefined) return () => respond().then((r) => r.text());
  const plugin = createPlugin({ ...BENCH_KEY, guard: new BinanceGuard(ORIGIN, options) });
  const guard = plugin.guardFor(TICKER_URL);
  return () => guard.run({ method: 'GET', url: TICKER_URL }, transport, plugin.callOptions()).then((r) => r.text());
}
/** `sets[i][v]`: variant v's i-th guard. */
const sets = Array.from({ length: INSTANCES }, () => VARIANTS.map(({ options }) => sender(options)));

const random = seededRandom(5);
const order = VARIANTS.map((_, v) => v);
/** Shuffles `order` in place (Fisher–Yates). */
function shuffle(): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
}

let sink = 0;
/** One buffer for every size, so that each sweeps memory laid out alike. */
const buffer = new Int32Array((Math.max(...sizes) * 1024 * 1024) / 4);
/** Touches one int per 64-byte line of `mb` MiB: what was in the caches before is evicted, as far as it fills them. */
function sweep(mb: number): void {
  const end = (mb * 1024 * 1024) / 4;
  for (let i = 0; i < end; i += 16) sink += buffer[i]!++;
}

const progress = new Progress();
for (let r = 0; r < HOT_WARMUP_ROUNDS; r++) for (const send of sets[r % INSTANCES]!) await send();
const rows: string[][] = [];
const chart: { label: string; added: number }[] = [];
for (const [s, mb] of sizes.entries()) {
  const times = VARIANTS.map(() => new Float64Array(rounds));
  const total = WARMUP_ROUNDS + rounds;
  for (let r = 0; r < total; r++) {
    const sends = sets[r % INSTANCES]!;
    shuffle();
    for (const v of order) {
      if (mb > 0) sweep(mb);
      const t0 = process.hrtime.bigint();
      await sends[v]!();
      const us = Number(process.hrtime.bigint() - t0) / 1000;
      if (r >= WARMUP_ROUNDS) times[v]![r - WARMUP_ROUNDS] = us;
    }
    if (r % 250 === 0) progress.update(`[${s + 1}/${sizes.length}] ${mb} MiB swept: round ${r} of ${total}`);
  }
  const bare = times[0]!;
  const addedParts: string[] = [];
  for (const [k, { name }] of VARIANTS.entries()) {
    const own = Array.from(times[k]!).sort((a, b) => a - b);
    const diffs = Array.from(times[k]!, (t, i) => t - bare[i]!).sort((a, b) => a - b);
    const added = quantile(diffs, 0.5);
    rows.push([
      name,
      num(mb),
      num(quantile(own, 0.5), 1),
      k === 0 ? '' : num(added, 1),
      k === 0 ? '' : `${num(quantile(diffs, 0.25), 1)} to ${num(quantile(diffs, 0.75), 1)}`,
    ]);
    if (k > 0) {
      chart.push({ label: `${mb} MiB, ${name}`, added });
      addedParts.push(`${name} ${added < 0 ? '' : '+'}${num(added, 1)}`);
    }
  }
  progress.line(`[${s + 1}/${sizes.length}] ${mb} MiB swept: ${addedParts.join(', ')} µs`);
}

const widest = Math.max(...chart.map((c) => c.label.length));
const most = Math.max(1, ...chart.map((c) => c.added));
process.stdout.write(
  [
    `## The guard with its caches emptied (${num(rounds)} rounds per size after ${num(HOT_WARMUP_ROUNDS)} in memory and ${num(WARMUP_ROUNDS)} at that size; ${INSTANCES} guards per variant, order shuffled each round)`,
    '',
    mdTable(
      [
        'variant',
        'swept between requests, MiB',
        'median µs per request',
        'added vs bare, µs',
        'quartiles of added, µs',
      ],
      rows,
    ),
    '',
    'Added µs per request (median of paired differences):',
    '',
    '```',
    ...chart.map(
      (c) =>
        `${c.label.padEnd(widest)} ${'█'.repeat(Math.max(0, Math.round((c.added / most) * 40)))} ${num(c.added, 1)}`,
    ),
    '```',
    '',
  ].join('\n'),
);
// Keeps the sweep from being optimized away.
if (sink === Number.MIN_VALUE) process.stdout.write('\n');
