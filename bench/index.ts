/**
 * `npm run bench`: B1–B5 (+ B6 when the redis package provides it) on loopback against the fake exchange.
 * Writes bench/results.json (every run), bench/results.md and bench/results.svg, and prints the tables.
 *
 * B2 runs twice: at windows shortened to 2 s (BENCH_ONLY=B2: steady mixed load and a saturating burst) and once at
 * Binance's real 1-minute window (BENCH_ONLY=B2M: one run of about 3 minutes, a warm-up window and two measured).
 *
 * Environment: BENCH_QUICK=1 for a smoke run of a few seconds (too few runs to quote; B2M's windows shortened to
 * 1 s); BENCH_OUT=<dir> to write the files elsewhere; BENCH_ONLY=B1,B3 to run some of them (the README is then
 * left alone).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { b1Overhead } from './b1Overhead.ts';
import { b2Burst } from './b2Burst.ts';
import { b2Minute } from './b2Minute.ts';
import { b2Utilisation } from './b2Utilisation.ts';
import { b3Clock } from './b3Clock.ts';
import { b4Breaker } from './b4Breaker.ts';
import { b5Classify } from './b5Classify.ts';
import type { BenchResult } from './lib/BenchResult.ts';
import { flagFromEnv, namesFromEnv } from './lib/env.ts';
import { describeMachine, machineInfo } from './lib/machine.ts';
import { mdTable, resultsMarkdown, targetsTable } from './lib/markdown.ts';
import { Progress } from './lib/progress.ts';
import { num } from './lib/stats.ts';
import { resultsSvg } from './lib/svg.ts';

const here = dirname(fileURLToPath(import.meta.url));
const quick = flagFromEnv('BENCH_QUICK');
const benchmarks = ['B1', 'B2', 'B2M', 'B3', 'B4', 'B5', 'B6'] as const;
const only = process.env.BENCH_ONLY ? namesFromEnv('BENCH_ONLY', benchmarks) : undefined;
const outDir = resolve(process.env.BENCH_OUT ?? here);
const wanted = (id: (typeof benchmarks)[number]) => !only || only.includes(id);

/**
 * Runs per figure and sizes. The full set takes about 15 minutes on the 2-core machine: B1 ≈ 4 min,
 * B2 5 × 34 s plus 5 × ≈ 12 s of bursts, B2M one run of ≈ 3 min (a minute window cannot be had quicker, so one
 * run of two measured windows: its figure is a single run's, not a median), B3 ≈ 10 s, B4 5 × ≈ 23 s,
 * B5 ≈ 20 s, B6 what the redis package asks for.
 */
const config = quick
  ? {
      runs: 1,
      b1: {
        requests: 300,
        warmup: 100,
        concurrency: 32,
        openLoop: { rate: 1000, requests: 120 },
        survivalScavenges: 1,
      },
      b2: { durationMs: 4000, warmupMs: 300, workers: 12, cycleMs: 40 },
      b2Burst: { calls: 500 },
      b2Minute: { runs: 1, windows: 1, windowMs: 1000, leadMs: 300, workers: 12, cycleMs: 40 },
      b3: { skewsMs: [-3_600_000, 3_600_000], paths: [[40, 5]] as const, calls: 4 },
      b4: { rate: 500, leadInMs: 500, stormMs: 500, resetTimeoutMs: 300 },
      b5: { durationMs: 50, guardRequests: 500 },
      b6: { durationMs: 500 },
    }
  : {
      runs: 5,
      b1: {
        requests: 8000,
        warmup: 12_000,
        concurrency: 32,
        openLoop: { rate: 1000, requests: 6000 },
        survivalScavenges: 16,
      },
      b2: { durationMs: 30_000, warmupMs: 4000, workers: 12, cycleMs: 40 },
      b2Burst: { calls: 500 },
      b2Minute: { runs: 1, windows: 2, windowMs: 60_000, leadMs: 5000, workers: 12, cycleMs: 40 },
      b3: {
        skewsMs: [-3_600_000, -600_000, -5000, 0, 5000, 600_000, 3_600_000],
        paths: [
          [40, 5],
          [5, 40],
        ] as const,
        calls: 10,
      },
      b4: { rate: 500, leadInMs: 10_000, stormMs: 10_000, resetTimeoutMs: 2000 },
      b5: { durationMs: 500, guardRequests: 5000 },
      b6: { durationMs: 5000 },
    };

const progress = new Progress();
const machine = machineInfo();
const write = (text = '') => process.stdout.write(`${text}\n`);
write(`binance-errors benchmarks${quick ? ' (quick mode)' : ''} — ${machine.date}`);
write(describeMachine(machine));
write();

const results: BenchResult[] = [];
const skipped: string[] = [];
const started = performance.now();

const { runs } = config;
if (wanted('B1')) results.push(await b1Overhead({ runs, ...config.b1, progress }));
if (wanted('B2')) {
  results.push(await b2Utilisation({ runs, ...config.b2, progress }));
  results.push(await b2Burst({ runs, ...config.b2Burst, progress }));
}
if (wanted('B2M')) results.push(await b2Minute({ ...config.b2Minute, progress }));
if (wanted('B3')) results.push(await b3Clock({ runs, ...config.b3, progress }));
if (wanted('B4')) {
  const { resetTimeoutMs, ...b4 } = config.b4;
  results.push(
    await b4Breaker({
      runs,
      ...b4,
      breakers: {
        // The default rules for opening; only the reset timeout is shorter than its default (30 s), so recovery fits
        // the run. The name says so: "defaults" would claim a 30 s reset.
        [`breaker, default rules, ${num(resetTimeoutMs)} ms reset`]: { resetTimeoutMs },
        // Without the run-of-overloads rule: opossum's percentage of the rolling window alone.
        [`breaker, percentage rule only, ${num(resetTimeoutMs)} ms reset`]: { resetTimeoutMs, consecutiveFailures: 0 },
      },
      progress,
    }),
  );
}
if (wanted('B5')) results.push(await b5Classify({ runs, ...config.b5, progress }));
if (wanted('B6')) {
  const b6 = await loadB6();
  if (!b6) skipped.push('B6 (shared budget through redis) skipped: packages/redis/bench/b6.ts is not there yet.');
  else {
    try {
      results.push(
        fromB6(
          await b6({
            runs,
            durationMs: config.b6.durationMs,
            onProgress: (text: string) => progress.line(`B6 ${text}`),
          }),
        ),
      );
    } catch (error) {
      skipped.push(
        `B6 (shared budget through redis) failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

const durationS = (performance.now() - started) / 1000;
progress.line(`done in ${durationS.toFixed(0)} s`);

for (const r of results) {
  write(`## ${r.title}\n`);
  write(mdTable(r.table.head, r.table.rows));
  for (const n of r.notes ?? []) write(`- ${n}`);
  write();
}
write('## Targets\n');
write(targetsTable(results));
for (const s of skipped) write(`- ${s}`);

await mkdir(outDir, { recursive: true });
const markdown = resultsMarkdown(results, machine, { quick, durationS, skipped });
await writeFile(
  join(outDir, 'results.json'),
  `${JSON.stringify({ machine, quick, durationS, config, skipped, results }, null, 2)}\n`,
);
await writeFile(join(outDir, 'results.md'), markdown);
await writeFile(
  join(outDir, 'results.svg'),
  resultsSvg(
    results.flatMap((r) => r.chart),
    machine,
  ),
);
write(`\nWrote ${join(outDir, 'results.json')}, results.md and results.svg (${durationS.toFixed(0)} s in all).`);

// A full run of everything refreshes the table in the README between its markers.
if (!quick && !only && outDir === here) await updateReadme(join(here, '..', 'README.md'));

async function updateReadme(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const text = await readFile(path, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return;
  const body = `\nMeasured ${machine.date.slice(0, 10)} on ${describeMachine(machine)}; medians with min–max over ${config.runs} runs. Details: [bench/results.md](bench/results.md).\n\n${targetsTable(results)}\n`;
  await writeFile(path, `${text.slice(0, i + start.length)}${body}${text.slice(j)}`);
  // The README is linted: lay the new table out as the formatter would.
  execFileSync(join(here, '..', 'node_modules', '.bin', 'biome'), ['format', '--write', path], { stdio: 'ignore' });
}

interface B6Result {
  title: string;
  rows: unknown;
  raw: unknown;
  head?: string[];
  targets?: BenchResult['targets'];
  description?: string;
}
type B6 = (options: { runs: number; durationMs: number; onProgress: (text: string) => void }) => Promise<B6Result>;

/** The redis package's B6, when it exists (a dynamic import, so the bench runs without it). */
async function loadB6(): Promise<B6 | undefined> {
  const file = join(here, '..', 'packages', 'redis', 'bench', 'b6.ts');
  if (!existsSync(file)) return undefined;
  const mod = (await import(pathToFileURL(file).href)) as { b6?: B6 };
  return mod.b6;
}

/** B6's rows as a table: a list of records (keys become the head) or a list of cell lists. */
function fromB6(r: B6Result): BenchResult {
  const list = Array.isArray(r.rows) ? (r.rows as unknown[]) : [];
  const isRecord = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x);
  const head = r.head ?? (isRecord(list[0]) ? Object.keys(list[0]) : []);
  const rows = list.map((row) =>
    isRecord(row) ? head.map((h) => String(row[h] ?? '')) : Array.isArray(row) ? row.map(String) : [String(row)],
  );
  return {
    id: 'B6',
    title: r.title,
    description: r.description ?? 'From packages/redis/bench/b6.ts.',
    table: { head: head.length ? head : (rows[0]?.map((_, i) => `column ${i + 1}`) ?? []), rows },
    targets: r.targets ?? [],
    chart: [],
    raw: r.raw,
  };
}
