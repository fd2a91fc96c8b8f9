/**
 * The breaker's own cost, in µs: counting an answer while it is closed, and counting an overload while its rolling
 * window holds `answers` earlier answers (a busy window: 10 s at 10,000 requests a second). The overload path is
 * the one a -1008 storm takes on every request, so it must not grow with the window. Used by the root
 * `npm run bench` (B5).
 */

import { OpossumBreaker } from '../src/breaker/OpossumBreaker.ts';
import { classify } from '../src/classify/classify.ts';

export interface BreakerRound {
  round: number;
  /** Counting one answer while closed, µs. */
  answerUs: number;
  /** Counting one overload with the window full of answers, µs. */
  overloadUs: number;
}

const OVERLOAD = classify({
  status: 503,
  headers: {},
  body: '{"code":-1008,"msg":"Server is currently overloaded with other requests. Please try again in a few minutes."}',
});

export async function breakerBench(options: {
  rounds: number;
  answers: number;
  overloads: number;
  onRound?: ((round: BreakerRound) => void) | undefined;
}): Promise<BreakerRound[]> {
  const once = async (round: number): Promise<BreakerRound> => {
    // Stays closed throughout: neither rule can trip on a few overloads among this many answers.
    const breaker = new OpossumBreaker({ consecutiveFailures: 0, errorThresholdPercentage: 99 });
    try {
      let start = performance.now();
      for (let i = 0; i < options.answers; i++) breaker.record(false);
      const answerUs = ((performance.now() - start) * 1000) / options.answers;
      start = performance.now();
      for (let i = 0; i < options.overloads; i++) await breaker.record(true, OVERLOAD);
      const overloadUs = ((performance.now() - start) * 1000) / options.overloads;
      return { round, answerUs, overloadUs };
    } finally {
      breaker.shutdown();
    }
  };
  await once(0); // warm-up
  const out: BreakerRound[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const sample = await once(round);
    out.push(sample);
    options.onRound?.(sample);
  }
  return out;
}
