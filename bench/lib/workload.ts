import { type BenchRequest, OPEN_ORDERS, type Send, TICKER } from './clients.ts';
import { seededRandom, sleep } from './stats.ts';

/** B2's mixed-weight workload: request shapes with their REQUEST_WEIGHT and share of the mix. */
export const MIX: ReadonlyArray<{ share: number; weight: number; request: BenchRequest }> = [
  { share: 0.4, weight: 2, request: TICKER },
  {
    share: 0.2,
    weight: 2,
    request: {
      method: 'GET',
      path: '/api/v3/klines',
      params: { symbol: 'BTCUSDT', interval: '1m', limit: '10' },
      signed: false,
    },
  },
  {
    share: 0.2,
    weight: 5,
    request: { method: 'GET', path: '/api/v3/depth', params: { symbol: 'BTCUSDT', limit: '100' }, signed: false },
  },
  {
    share: 0.1,
    weight: 25,
    request: { method: 'GET', path: '/api/v3/depth', params: { symbol: 'BTCUSDT', limit: '500' }, signed: false },
  },
  { share: 0.1, weight: 6, request: OPEN_ORDERS },
];

/** The mix's mean weight (5.3): what a request-count limiter divides the weight limit by. */
export const MEAN_WEIGHT = MIX.reduce((sum, m) => sum + m.share * m.weight, 0);

/** An endless, seeded sequence of requests drawn from {@link MIX}: the same for every variant and run. */
export function mixedRequests(seed: number): () => BenchRequest {
  const random = seededRandom(seed);
  return () => {
    let x = random();
    for (const m of MIX) {
      x -= m.share;
      if (x < 0) return m.request;
    }
    return MIX.at(-1)!.request;
  };
}

/** How hard {@link closedLoop} pushes. */
export interface LoadShape {
  /** Closed-loop workers, split round robin across the sends. */
  workers: number;
  /** Each worker starts a request at most this often, ms: caps the offered load of variants that do not wait. */
  cycleMs: number;
}

/**
 * Runs the mixed workload until `until` (a `performance.now()` time): each worker sends one request of
 * {@link mixedRequests} through `wrap` (a limiter, or straight through), waits for its answer and the rest of its
 * cycle, and goes again. Resolves with the number of requests that got no answer: failed before sending
 * (`BinanceThrottleError`, an open breaker, a limiter's refusal) or on the way.
 */
export async function closedLoop(
  sends: readonly Send[],
  shape: LoadShape,
  until: number,
  wrap: (send: () => Promise<number>) => Promise<number> = (send) => send(),
): Promise<number> {
  const next = mixedRequests(7);
  let unanswered = 0;
  await Promise.all(
    Array.from({ length: shape.workers }, async (_, w) => {
      const send = sends[w % sends.length]!;
      while (performance.now() < until) {
        const started = performance.now();
        const request = next();
        const status = await wrap(() => send(request)).catch(() => 0);
        if (status === 0) unanswered++;
        const rest = shape.cycleMs - (performance.now() - started);
        if (rest > 0) await sleep(rest);
      }
    }),
  );
  return unanswered;
}
