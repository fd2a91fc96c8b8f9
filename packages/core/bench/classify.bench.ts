/**
 * B5 — classify throughput on a mixed corpus of real error bodies, beside JSON.parse of the same bodies.
 * Target: classify costs at most 2× JSON.parse. Run: npm run bench -w @binance-errors/core
 */
import { cpus } from 'node:os';
import { classify } from '../src/classify/classify.ts';
import { buildCorpus } from './corpus.ts';

const corpus = buildCorpus();
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const DURATION_MS = Number(process.env.BENCH_MS ?? 700);

/** Runs `fn` over the corpus for about DURATION_MS; returns operations per second. */
function measure(fn: (i: number) => unknown): number {
  let ops = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < DURATION_MS) {
    for (let i = 0; i < corpus.length; i++) if (fn(i)) sink++;
    ops += corpus.length;
    elapsed = performance.now() - start;
  }
  if (sink < 0) console.log(sink); // keeps the work observable to the optimiser
  return (ops / elapsed) * 1000;
}

// The same call with V8's stack capture off, to show how much of the cost is the Error's stack trace
// (a fixed ~3 µs in V8) and how much is classification itself.
const classifyNoStack = (i: number) => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return classify(corpus[i]!);
  } finally {
    Error.stackTraceLimit = limit;
  }
};
const parse = (i: number) => JSON.parse(corpus[i]!.body.charCodeAt(0) === 0x3c ? '{}' : corpus[i]!.body);
const classifyItem = (i: number) => classify(corpus[i]!);

console.log(`classify benchmark — ${corpus.length} bodies, ${ROUNDS} rounds × 2 × ${DURATION_MS} ms`);
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}`);
measure(parse); // warm-up
measure(classifyItem);
const ratios: number[] = [];
const logicRatios: number[] = [];
const rows: Array<[number, number, number, number]> = [];
for (let round = 1; round <= ROUNDS; round++) {
  // Alternate which runs first so drift on a shared machine hits both sides alike.
  let p: number;
  let c: number;
  let n: number;
  if (round % 2) {
    p = measure(parse);
    c = measure(classifyItem);
    n = measure(classifyNoStack);
  } else {
    n = measure(classifyNoStack);
    c = measure(classifyItem);
    p = measure(parse);
  }
  rows.push([round, p, c, n]);
  ratios.push(p / c);
  logicRatios.push(p / n);
  process.stdout.write(
    `  round ${round}/${ROUNDS}: JSON.parse ${fmt(p)}/s, classify ${fmt(c)}/s (${(p / c).toFixed(1)}×)\n`,
  );
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}×`;
console.log(
  '\n| round | JSON.parse ops/s | classify ops/s | classify, no stack capture ops/s | cost ÷ JSON.parse | logic ÷ JSON.parse |',
);
console.log('|---:|---:|---:|---:|---:|---:|');
for (const [round, p, c, n] of rows) {
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
