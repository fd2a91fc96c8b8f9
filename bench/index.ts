/**
 * `npm run bench`: B1–B5 (+ B6 when the redis package provides it) on loopback against the fake exchange.
 * Writes bench/results.json (every run), bench/results.md and bench/results.svg, and prints the tables.
 *
 * Environment: BENCH_QUICK=1 for a smoke run of a few seconds (too few runs to quote); BENCH_OUT=<dir> to write the
 * files elsewhere; BENCH_ONLY=B1,B3 to run some of them (the README is then left alone).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { b1Overhead } from './b1Overhead.ts';
import type { BenchResult } from './lib/BenchResult.ts';
import { describeMachine, machineInfo } from './lib/machine.ts';
import { mdTable, resultsMarkdown, targetsTable } from './lib/markdown.ts';
import { Progress } from './lib/progress.ts';
import { resultsSvg } from './lib/svg.ts';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim().toUpperCase());
const outDir = resolve(process.env.BENCH_OUT ?? here);
const wanted = (id: string) => !only || only.includes(id);

/** Runs per figure and sizes: the full set fits the 10-minute budget on the 2-core machine. */
const config = quick
  ? { runs: 1, b1: { requests: 300, warmup: 100, concurrency: 32 } }
  : { runs: 5, b1: { requests: 4000, warmup: 1000, concurrency: 32 } };

const progress = new Progress();
const machine = machineInfo();
const write = (text = '') => process.stdout.write(`${text}\n`);
write(`binance-errors benchmarks${quick ? ' (quick mode)' : ''} — ${machine.date}`);
write(describeMachine(machine));
write();

const results: BenchResult[] = [];
const skipped: string[] = [];
const started = performance.now();

if (wanted('B1')) results.push(await b1Overhead({ runs: config.runs, ...config.b1, progress }));

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
}

export { pathToFileURL };
