/**
 * B5 — classify throughput on a mixed corpus of real error bodies, beside JSON.parse of the same bodies.
 * Target: classify costs at most 2× JSON.parse. Run: npm run bench -w @binance-errors/core
 */
import { cpus } from 'node:os';
import { classifyBench, corpusSize } from './classifyBench.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const DURATION_MS = Number(process.env.BENCH_MS ?? 700);

console.log(`classify benchmark — ${corpusSize()} bodies, ${ROUNDS} rounds × 2 × ${DURATION_MS} ms`);
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}`);
const rows = classifyBench({
  rounds: ROUNDS,
  durationMs: DURATION_MS,
  onRound: ({ round, parse: p, classify: c }) =>
    process.stdout.write(
      `  round ${round}/${ROUNDS}: JSON.parse ${fmt(p)}/s, classify ${fmt(c)}/s (${(p / c).toFixed(1)}×)\n`,
    ),
});
const ratios = rows.map((r) => r.parse / r.classify);
const logicRatios = rows.map((r) => r.parse / r.classifyNoStack);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}×`;
console.log(
  '\n| round | JSON.parse ops/s | classify ops/s | classify, no stack capture ops/s | cost ÷ JSON.parse | logic ÷ JSON.parse |',
);
console.log('|---:|---:|---:|---:|---:|---:|');
for (const { round, parse: p, classify: c, classifyNoStack: n } of rows) {
  console.log(`| ${round} | ${fmt(p)} | ${fmt(c)} | ${fmt(n)} | ${(p / c).toFixed(2)}× | ${(p / n).toFixed(2)}× |`);
}
const m = median(ratios);
const logic = median(logicRatios);
console.log(
  `\nclassify costs ${m.toFixed(2)}× JSON.parse of the same bodies (median; range ${spread(ratios)}); target ≤ 2× — ${m <= 2 ? 'met' : 'NOT met'}.`,
);
console.log(
  `Without the Error's stack capture it costs ${logic.toFixed(2)}× (range ${spread(logicRatios)}): the rest is V8 capturing the stack trace.`,
);
const bar = (x: number) => '█'.repeat(Math.max(1, Math.round(x * 2)));
console.log(
  `\n${bar(1)} JSON.parse (1×)\n${bar(logic)} classify without stack (${logic.toFixed(1)}×)\n${bar(m)} classify (${m.toFixed(1)}×)`,
);

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
