/**
 * B5's measurement: classify throughput on a mixed corpus of real error bodies, beside JSON.parse of the same
 * bodies, alternating in every round. Used by `classify.bench.ts` (this package's `npm run bench`) and by the
 * root `npm run bench`.
 */
import { classify } from '../src/classify/classify.ts';
import { buildCorpus } from './corpus.ts';

export interface ClassifyRound {
  round: number;
  /** Operations per second. */
  parse: number;
  classify: number;
  /** classify with V8's stack capture off: the classification logic alone. */
  classifyNoStack: number;
}

export interface ClassifyBenchOptions {
  rounds: number;
  /** Length of each measurement, ms. */
  durationMs: number;
  onRound?: ((round: ClassifyRound, rounds: number) => void) | undefined;
}

export function corpusSize(): number {
  return buildCorpus().length;
}

export function classifyBench({ rounds, durationMs, onRound }: ClassifyBenchOptions): ClassifyRound[] {
  const corpus = buildCorpus();

  /** Runs `fn` over the corpus for about `durationMs`; returns operations per second. */
  const measure = (fn: (i: number) => unknown): number => {
    let ops = 0;
    let sink = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < durationMs) {
      for (let i = 0; i < corpus.length; i++) if (fn(i)) sink++;
      ops += corpus.length;
      elapsed = performance.now() - start;
    }
    if (sink < 0) console.log(sink); // keeps the work observable to the optimiser
    return (ops / elapsed) * 1000;
  };

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

  measure(parse); // warm-up
  measure(classifyItem);
  const out: ClassifyRound[] = [];
  for (let round = 1; round <= rounds; round++) {
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
    const result = { round, parse: p, classify: c, classifyNoStack: n };
    out.push(result);
    onRound?.(result, rounds);
  }
  return out;
}
