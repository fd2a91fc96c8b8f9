/**
 * The guard's instructions per request, function by function: `lib/instructionLoop.ts` runs under valgrind's
 * callgrind twice per variant (after the same warm-up, with fewer and more requests), and the difference of the two
 * counts, divided by the difference of the requests, is what one request costs. JIT-compiled functions are named
 * from the map V8 writes with `--perf-basic-prof`; V8's builtins and C++ are named by the binary's symbols.
 *
 * Why count instructions: B1 and `bench:breakdown` measure time in a real client's I/O loop, where one request of
 * the guard's costs several times what it costs in memory (its code is out of the CPU's caches by the next request)
 * and where the machine's own speed moves by more than the guard costs. A count of instructions does not move with
 * the machine. `--single-threaded` keeps V8's compilers and collector on the main thread, so that what a run counts
 * does not depend on when other threads ran; the difference of two request counts leaves out the start and the
 * warm-up. Three runs of the same code then agreed on the guard's own JIT code to within 150 instructions per
 * request, and outside V8's compilers and collector (a compile or a scavenge more in one count moves those) to
 * within 900, so a change of a few hundred instructions per request shows in the functions that make it. In a real client's I/O loop the guard's time follows these counts: between two of
 * its requests the client runs enough code of its own that the guard's is no longer in the CPU's caches.
 *
 * A count is of the steady state: the guard has B1's options less what happens once a minute or once in ten (see
 * the loop's `STEADY_OPTIONS`), and the report lists whatever V8 still compiled or deoptimized while the requests
 * were counted (`--trace-opt` and `--trace-deopt`, between marks the loop writes), since a compile in one count and
 * not the other is put on the requests.
 *
 * Needs valgrind (Debian: `apt-get install valgrind`). Takes a few minutes; the variants run two at a time.
 *
 *   npm run bench:instructions
 *   INSTRUCTIONS_MIX=1 npm run bench:instructions      B1's mix: every fifth request signed (by hand when bare)
 *   INSTRUCTIONS_ONLY= npm run bench:instructions      bare and the whole guard only (or name the other variants)
 *   INSTRUCTIONS_CLIENT=axios npm run bench:instructions   axios, ky or got bare against the same client with its plugin
 *                                                        (the guard and the adapter together); fetch by default
 *   INSTRUCTIONS_COLD=1 npm run bench:instructions     the guard started cold: requests one at a time, 8 MiB of other
 *                                                        memory read between two, and callgrind's cache simulation
 *                                                        counting what misses the last-level cache (about 20
 *                                                        minutes, 10 with INSTRUCTIONS_ONLY=)
 *   INSTRUCTIONS_OUT=added.json npm run bench:instructions   also writes what the guard adds to every function, by
 *                                                        measure, as JSON: two runs' files compare function by function
 *
 * Why cold: timed in a real client's loop, the guard costs several times its instructions, and a count alone does not
 * say why. With the caches simulated (first level 32 KiB each for code and data, a last level of 4 MiB: a core's
 * share of a server's) and 8 MiB read between two requests, every request finds the guard's code and data gone from
 * the caches, as between two requests of a busy client; a miss at the simulated last level is a line the real CPU
 * fetches from its larger shared cache or from memory (bench:cold's timings came to 14–21 ns a line on the AMD EPYC
 * host). That tells code from data: in two runs on December 6 the guard's own functions added 416
 * and 418 last-level instruction misses per request, and 211 and 148 data misses. The instruction misses of a
 * function the runs' small difference did not touch held to within 5; the totals of V8's builtins, runtime and
 * collector did not (a compile, a scavenge or an address V8 gave new code moves them by hundreds), so read a change
 * by function.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attribute, COLLECTOR, COMPILERS, type Counts, parsePerfMap, partOf, tracedBetween } from './lib/callgrind.ts';
import { flagFromEnv, refuse } from './lib/env.ts';
import { COUNT_MARKS, LOOP_CLIENTS, type LoopClient, type LoopVariant, VARIANTS } from './lib/instructionLoop.ts';
import { mdTable } from './lib/markdown.ts';
import { Progress } from './lib/progress.ts';
import { runChild } from './lib/runChild.ts';
import { num } from './lib/stats.ts';

const cold = flagFromEnv('INSTRUCTIONS_COLD');
/** MiB read between two requests when cold: twice the simulated last-level cache. */
const COLD_MB = 8;
/** The caches callgrind simulates when cold, fixed so that counts compare across machines: size, ways, line. */
const CACHES = ['--I1=32768,8,64', '--D1=32768,8,64', '--LL=4194304,16,64'];
/** Requests before the count: one at a time, V8 needs more of them before the guard's code is at its last tier. */
const WARMUP = cold ? 30_000 : 20_000;
/** The two request counts whose difference is measured (a cold request costs a read of {@link COLD_MB}). */
const FEWER = cold ? 200 : 10_000;
const MORE = cold ? 1_000 : 30_000;
/** Functions listed in the report, by instructions the guard adds. */
const TOP = 30;

const LOOP = fileURLToPath(new URL('./lib/instructionLoop.ts', import.meta.url));
const mix = flagFromEnv('INSTRUCTIONS_MIX');
const client = (process.env.INSTRUCTIONS_CLIENT || 'fetch') as LoopClient;
/** What each client's loop runs, for the report's heading. */
const CLIENT_LOOPS: Record<LoopClient, string> = {
  fetch: 'the guard called as the adapters call it, a real fetch Response per answer',
  axios:
    "axios, bare or with its plugin, through an adapter that builds the URL as axios' http adapter does and answers at once",
  ky: 'ky, bare or with its plugin, through a fetch that answers at once with a real Response',
  got: "got, bare or with its plugin, through a `request` option that answers at once with a readable response, as got's cache does",
};
if (!LOOP_CLIENTS.includes(client))
  refuse(`INSTRUCTIONS_CLIENT must be one of ${LOOP_CLIENTS.join(', ')}, got ${client}`);
const progress = new Progress();

if (spawnSync('valgrind', ['--version']).error) {
  refuse('bench:instructions needs valgrind on the PATH (Debian: apt-get install valgrind)');
}

/** One callgrind run: its counts per event, and what V8 compiled or deoptimized while the requests were counted. */
interface CountedRun {
  counts: Map<string, Counts>;
  traced: Map<string, number>;
}

/**
 * Runs the loop under callgrind with `requests` after the warm-up, and counts its instructions per function (and,
 * cold, its cache misses: one {@link Counts} per event).
 */
async function countRun(variant: LoopVariant, requests: number, dir: string): Promise<CountedRun> {
  const out = join(dir, `callgrind.${variant.replaceAll(/\W+/g, '-')}.${requests}`);
  const args = [
    '--tool=callgrind',
    '--dump-instr=yes',
    ...(cold ? ['--cache-sim=yes', ...CACHES] : []),
    // V8 writes and rewrites machine code: valgrind must not run stale translations of it.
    '--smc-check=all-non-file',
    `--callgrind-out-file=${out}`,
    process.execPath,
    '--single-threaded',
    // A fixed hash seed: V8 draws a random one at start-up, and finding its primes (`detail::sprp`) took from 4.9 to
    // 19 million instructions a process, which one count's difference of two processes put on the requests.
    '--hash-seed=1',
    // A full collection may flush the bytecode of functions not run lately; compiled again, their code can land where
    // other code was, and the perf map then names two functions for one address (ky's loop, with many full
    // collections, put 4,932 instructions a request on `reserveSync`, which costs 1,170).
    '--no-flush-bytecode',
    '--perf-basic-prof',
    // What V8 compiles and deoptimizes, on stdout between the loop's marks: the report says what fell inside a count.
    '--trace-opt',
    '--trace-deopt',
    // The map is all that is wanted; V8's own log, which comes with it, goes with the run's other files.
    '--no-logfile-per-isolate',
    `--logfile=${out}.v8.log`,
    '--conditions=@binance-errors/source',
    LOOP,
  ];
  const env = {
    ...process.env,
    LOOP_VARIANT: variant,
    LOOP_WARMUP: String(WARMUP),
    LOOP_REQUESTS: String(requests),
    LOOP_MIX: mix ? '1' : '0',
    LOOP_CLIENT: client,
    LOOP_COLD_MB: cold ? String(COLD_MB) : '',
  };
  const stdout = await runChild('valgrind', args, env, `callgrind run of ${variant} (${requests} requests)`);
  const traced = tracedBetween(stdout, COUNT_MARKS.begin, COUNT_MARKS.end);
  const text = await readFile(out, 'utf8');
  const pid = /^pid: (\d+)$/m.exec(text)?.[1];
  const mapFile = join(tmpdir(), `perf-${pid}.map`);
  try {
    return { counts: attribute(text, parsePerfMap(await readFile(mapFile, 'utf8'))), traced };
  } finally {
    await rm(mapFile, { force: true });
    await rm(out, { force: true });
    await rm(`${out}.v8.log`, { force: true });
  }
}

/** Per-request counts of one variant, in all and per function, of one event (instructions, or a kind of miss). */
interface PerRequest {
  total: number;
  /** Of the total, V8's compilers: code compiled while the requests ran, not the requests' own work. */
  compiling: number;
  /** The collector's part, which moves most from run to run. */
  collecting: number;
  byFunction: Map<string, number>;
}

function perRequest(fewer: Counts = new Map(), more: Counts = new Map()): PerRequest {
  const byFunction = new Map<string, number>();
  const result: PerRequest = { total: 0, compiling: 0, collecting: 0, byFunction };
  for (const name of new Set([...fewer.keys(), ...more.keys()])) {
    const n = ((more.get(name) ?? 0) - (fewer.get(name) ?? 0)) / (MORE - FEWER);
    byFunction.set(name, n);
    result.total += n;
    const part = partOf(name);
    if (part === COMPILERS) result.compiling += n;
    if (part === COLLECTOR) result.collecting += n;
  }
  return result;
}

const only = process.env.INSTRUCTIONS_ONLY?.split(',').map((v) => v.trim());
const variants = (Object.keys(VARIANTS) as LoopVariant[]).filter(
  (v) => only === undefined || v === 'bare' || v === 'guard' || only.includes(v),
);
const dir = await mkdtemp(join(tmpdir(), 'bench-instructions-'));
/** Per variant, per event. */
const results = new Map<LoopVariant, Map<string, PerRequest>>();
/** What V8 compiled or deoptimized inside a count: run, what, how often. */
const tracedInCounts: string[][] = [];
try {
  const jobs = variants.flatMap((variant) => [FEWER, MORE].map((requests) => ({ variant, requests })));
  const counted = new Map<string, CountedRun>();
  let done = 0;
  const stop = progress.ticking(() => `bench:instructions: ${done}/${jobs.length} callgrind runs done`, 1000);
  // Two at a time: a run is single-threaded, and valgrind's slowdown is the same either way.
  const queue = [...jobs];
  await Promise.all(
    [0, 1].map(async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const run = await countRun(job.variant, job.requests, dir);
        counted.set(`${job.variant}/${job.requests}`, run);
        for (const [what, times] of run.traced)
          tracedInCounts.push([`${job.variant}, ${num(job.requests)}`, what, num(times)]);
        done++;
        progress.line(`${job.variant}, ${num(job.requests)} requests: counted (${done}/${jobs.length})`);
      }
    }),
  );
  stop();
  for (const variant of variants) {
    const fewer = counted.get(`${variant}/${FEWER}`)!.counts;
    const more = counted.get(`${variant}/${MORE}`)!.counts;
    results.set(
      variant,
      new Map([...more.keys()].map((event) => [event, perRequest(fewer.get(event), more.get(event))])),
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

/** What the report counts, each a callgrind event or a sum of events: instructions, and cold, the misses. */
const MEASURES: readonly (readonly [string, readonly string[]])[] = [
  ['instructions', ['Ir']],
  ...(cold
    ? ([
        ['last-level instruction misses', ['ILmr']],
        ['last-level data misses', ['DLmr', 'DLmw']],
        ['first-level instruction misses', ['I1mr']],
        ['first-level data misses', ['D1mr', 'D1mw']],
      ] as const)
    : []),
];

/** A measure of one variant: its events' counts added up. */
function measure(variant: LoopVariant, events: readonly string[]): PerRequest {
  const sum: PerRequest = { total: 0, compiling: 0, collecting: 0, byFunction: new Map() };
  for (const event of events) {
    const r = results.get(variant)!.get(event);
    if (r === undefined) throw new Error(`callgrind counted no ${event}`);
    sum.total += r.total;
    sum.compiling += r.compiling;
    sum.collecting += r.collecting;
    for (const [name, n] of r.byFunction) sum.byFunction.set(name, (sum.byFunction.get(name) ?? 0) + n);
  }
  return sum;
}

const own = (x: PerRequest) => x.total - x.compiling - x.collecting;
/** Per measure, what the whole guard adds over bare, by function. */
const added = MEASURES.map(([, events]) => {
  const bare = measure('bare', events).byFunction;
  const guard = measure('guard', events).byFunction;
  return new Map(
    [...new Set([...bare.keys(), ...guard.keys()])].map((name) => [
      name,
      (guard.get(name) ?? 0) - (bare.get(name) ?? 0),
    ]),
  );
});
const names = [...added[0]!.keys()];
/** What the guard adds to `name`'s count of the measure at `index`. */
const addedTo = (index: number, name: string) => added[index]!.get(name) ?? 0;
/** A function's weight in the ranking: its added instructions, or cold, its added last-level misses. */
const rank = (name: string) => Math.abs(cold ? addedTo(1, name) + addedTo(2, name) : addedTo(0, name));

function byPart(): string[][] {
  const parts = new Map<string, number[]>();
  for (const name of names) {
    const sums = parts.get(partOf(name)) ?? MEASURES.map(() => 0);
    for (let i = 0; i < sums.length; i++) sums[i]! += addedTo(i, name);
    parts.set(partOf(name), sums);
  }
  return [...parts].sort((a, b) => b[1][0]! - a[1][0]!).map(([part, sums]) => [part, ...sums.map((n) => num(n))]);
}

const perRequestHead = MEASURES.map(([label]) => `added ${label} / request`);
const how = cold
  ? `one at a time, ${COLD_MB} MiB of other memory read between two, caches simulated: ${CACHES.join(' ')}`
  : '32 at a time';
const report = [
  `${cold ? 'Instructions and cache misses' : 'Instructions'} per request, in memory (${CLIENT_LOOPS[client]}; ${mix ? "B1's mix: 80 % public ticker/price, 20 % signed openOrders, which bare signs by hand as B1's bare clients do" : 'public GET /api/v3/ticker/price'}, ${how}), over ${num(MORE - FEWER)} requests after ${num(WARMUP)} of warm-up:`,
  '',
  mdTable(
    [
      'variant',
      'instructions / request',
      "of which V8's compilers",
      'of which the collector',
      'added over bare, outside the compilers and the collector',
    ],
    variants.map((v) => {
      const r = measure(v, ['Ir']);
      const bare = measure('bare', ['Ir']);
      return [v, num(r.total), num(r.compiling), num(r.collecting), v === 'bare' ? '—' : num(own(r) - own(bare))];
    }),
  ),
  ...(cold
    ? [
        '',
        'What each variant adds over bare, outside the compilers and the collector (a last-level miss: a line the CPU fetches from its larger shared cache or from memory):',
        '',
        mdTable(
          ['variant', ...MEASURES.map(([label]) => label)],
          variants
            .filter((v) => v !== 'bare')
            .map((v) => [
              v,
              ...MEASURES.map(([, events]) => num(own(measure(v, events)) - own(measure('bare', events)))),
            ]),
        ),
      ]
    : []),
  '',
  ...(tracedInCounts.length === 0
    ? [
        'V8 compiled and deoptimized nothing while the requests were counted, in any run (`--trace-opt`, `--trace-deopt`).',
      ]
    : [
        "While the requests were counted, V8 compiled or deoptimized (`--trace-opt`, `--trace-deopt`): a compile in one run's count and not the other's is put on the requests, and a deoptimized function runs other code than a steady client's. Read the functions named here with care:",
        '',
        mdTable(['run (variant, requests)', 'what', 'times'], tracedInCounts, 'left'),
      ]),
  '',
  `Where the guard's ${cold ? 'instructions and misses' : 'instructions'} go, by part of the process (guard against bare):`,
  '',
  mdTable(['part', ...perRequestHead], byPart(), 'left'),
  '',
  `And the ${TOP} functions whose ${cold ? 'last-level misses' : 'count'} it changes most, outside the compilers and the collector (guard against bare; V8's JIT code by function, builtins and C++ by symbol; a function inlined into another is counted there):`,
  '',
  mdTable(
    ['function', ...perRequestHead],
    names
      // A collection more or less in one count moves the collector's functions by tens of thousands (got's loop).
      .filter((name) => partOf(name) !== COLLECTOR && partOf(name) !== COMPILERS)
      .sort((a, b) => rank(b) - rank(a))
      .slice(0, TOP)
      .map((name) => [name, ...MEASURES.map((_, i) => num(addedTo(i, name)))]),
    'left',
  ),
];
process.stdout.write(`${report.join('\n')}\n`);
const out = process.env.INSTRUCTIONS_OUT;
if (out) {
  const byFunction = Object.fromEntries(names.map((name) => [name, MEASURES.map((_, i) => addedTo(i, name))]));
  await writeFile(
    out,
    `${JSON.stringify({ measures: MEASURES.map(([label]) => label), added: byFunction }, null, 1)}\n`,
  );
  progress.line(`bench:instructions: what the guard adds, by function, written to ${out}`);
}
