/**
 * Where the plugin's added CPU goes, part by part: each comparison runs two variants of one client in alternating
 * chunks, pair after pair, and reports the median difference in the main thread's CPU per request. B1 says what
 * the whole plugin costs per run; this says which part costs what, to within a few µs (its 95 % intervals), which
 * B1's run-to-run spread cannot. See docs/guide/performance.md, "Where the added time goes".
 *
 * The exchange runs in a process of its own, as in B1: where `taskset` exists and there are two cores or more, it is
 * pinned to the second core and this process's main thread to the first (`lib/pinnedExchange.ts`). Every request
 * is an unsigned `GET /api/v3/ticker/price` (`BREAKDOWN_REQUEST=signed`: B1's signed `openOrders`, which bare clients
 * sign by hand), 32 at a time; a chunk's CPU leaves out its collection pauses (wall-clock time, which on a busy
 * machine can outlast the CPU it overlaps: run it on a quiet one).
 *
 *   npm run bench:breakdown
 *   BREAKDOWN_ONLY=fetch,ky BREAKDOWN_PAIRS=200 npm run bench:breakdown
 *   BREAKDOWN_REQUEST=signed BREAKDOWN_ONLY=got npm run bench:breakdown
 */
import { BinanceGuard, type BinanceGuardOptions } from '@binance-errors/core';
import { GUARD_OPTIONS } from './b1Overhead.ts';
import { BENCH_KEY, benchClients, type Send } from './lib/clients.ts';
import { namesFromEnv, positiveFromEnv } from './lib/env.ts';
import { GcPauses } from './lib/gc.ts';
import { mdTable } from './lib/markdown.ts';
import { type PairedCpu, pairChunkFromEnv, pairedCells, pairedCpu } from './lib/pairs.ts';
import { startPinnedExchange } from './lib/pinnedExchange.ts';
import { Progress } from './lib/progress.ts';

/** A variant of one client: bare, or with the plugin and its guard built with these options. */
type Variant = 'bare' | BinanceGuardOptions;

interface Comparison {
  client: string;
  name: string;
  from: Variant;
  to: Variant;
}

const PARTS_OFF: BinanceGuardOptions = { throttle: false, clock: false, breaker: false };
const without = (part: 'throttle' | 'clock' | 'breaker'): BinanceGuardOptions => ({ ...GUARD_OPTIONS, [part]: false });

const clients = benchClients();

/** Every comparison, in the order of the report: fetch + guard part by part, then each client with a driver. */
const COMPARISONS: readonly Comparison[] = [
  { client: 'fetch', name: 'fetch: bare → bare (the instrument’s own noise)', from: 'bare', to: 'bare' },
  { client: 'fetch', name: 'fetch: bare → fetch + guard', from: 'bare', to: GUARD_OPTIONS },
  { client: 'fetch', name: 'fetch: bare → guard with throttle, clock and breaker off', from: 'bare', to: PARTS_OFF },
  { client: 'fetch', name: 'fetch + guard: throttle off → on', from: without('throttle'), to: GUARD_OPTIONS },
  { client: 'fetch', name: 'fetch + guard: clock off → on', from: without('clock'), to: GUARD_OPTIONS },
  { client: 'fetch', name: 'fetch + guard: breaker off → on', from: without('breaker'), to: GUARD_OPTIONS },
  ...clients
    .map((c) => c.name)
    .filter((client) => client !== 'fetch')
    .flatMap((client): Comparison[] => [
      { client, name: `${client}: bare → plugin`, from: 'bare', to: GUARD_OPTIONS },
      { client, name: `${client}: bare → plugin, throttle, clock and breaker off`, from: 'bare', to: PARTS_OFF },
      { client, name: `${client} + plugin: throttle off → on`, from: without('throttle'), to: GUARD_OPTIONS },
    ]),
];

/** One comparison's result: the pairs' differences, µs per request, and the `from` variant's own CPU. */
export interface BreakdownRow extends PairedCpu {
  name: string;
}

const pairs = positiveFromEnv('BREAKDOWN_PAIRS', 400);
const chunk = positiveFromEnv('BREAKDOWN_CHUNK', 1000);
const { kind, requests } = pairChunkFromEnv('BREAKDOWN_REQUEST', chunk);
const only = namesFromEnv(
  'BREAKDOWN_ONLY',
  clients.map((c) => c.name),
);
const chosen = COMPARISONS.filter((c) => only.includes(c.client));

const exchange = await startPinnedExchange();
const { url, pinned } = exchange;

const progress = new Progress();
const gc = new GcPauses();
const guards: BinanceGuard[] = [];

function sendOf(client: string, variant: Variant): Send {
  const c = clients.find((x) => x.name === client)!;
  if (variant === 'bare') return c.bare(url, BENCH_KEY);
  const guard = new BinanceGuard(url, variant);
  guards.push(guard);
  return c.plugin(url, { ...BENCH_KEY, guard });
}

async function compare(c: Comparison, index: number): Promise<BreakdownRow> {
  // `from` takes B1's bare turn and `to` its plugin turn.
  const paired = await pairedCpu(sendOf(c.client, c.from), sendOf(c.client, c.to), {
    requests,
    pairs,
    gc,
    progress,
    label: `[${index + 1}/${chosen.length}] ${c.name}`,
  });
  return { name: c.name, ...paired };
}

const rows: BreakdownRow[] = [];
try {
  progress.line(
    `${chosen.length} comparisons × ${pairs} pairs of ${chunk}-request chunks (${kind})${pinned ? ', exchange and client pinned to cores 1 and 0' : ''}`,
  );
  for (const [i, c] of chosen.entries()) rows.push(await compare(c, i));
} finally {
  for (const guard of guards) guard.close();
  gc.close();
  await exchange.close();
}

process.stdout.write(
  `## What each part of the plugin adds: CPU per ${kind} request\n\n${mdTable(
    [
      'comparison',
      'from: CPU µs/req',
      'added CPU µs/req (95 % interval of the median)',
      'pair differences q25 – q75',
      'pairs',
    ],
    rows.map((r) => [r.name, ...pairedCells(r)]),
  )}\n`,
);
