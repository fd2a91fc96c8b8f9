import type { BenchRequest } from './clients.ts';
import { seededRandom } from './stats.ts';

/** B2's mixed-weight workload: request shapes with their REQUEST_WEIGHT and share of the mix. */
export const MIX: ReadonlyArray<{ share: number; weight: number; request: BenchRequest }> = [
  {
    share: 0.4,
    weight: 2,
    request: { method: 'GET', path: '/api/v3/ticker/price', params: { symbol: 'BTCUSDT' }, signed: false },
  },
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
  {
    share: 0.1,
    weight: 6,
    request: { method: 'GET', path: '/api/v3/openOrders', params: { symbol: 'BTCUSDT' }, signed: true },
  },
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
