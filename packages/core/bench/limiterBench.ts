/**
 * The limiter's own cost per request, in µs: `acquire` + `settle` (with a usage header) when budget is there, once
 * with the in-memory store as it is (synchronous: no promise per store call) and once with the same store behind
 * its promise-returning methods only (the path a shared store such as Redis takes). Rounds alternate the order.
 * Used by the root `npm run bench` (B5).
 */
import { MemoryRateStore } from '../src/throttle/MemoryRateStore.ts';
import type { RateStore } from '../src/throttle/RateStore.ts';
import { WeightLimiter } from '../src/throttle/WeightLimiter.ts';

export interface LimiterRound {
  store: (typeof LIMITER_STORES)[number];
  round: number;
  /** acquire + settle, µs per request. */
  us: number;
}

export const LIMITER_STORES = ['in-memory store, synchronous path', 'same store behind promises only'] as const;

/** The in-memory store with only the asynchronous methods of the RateStore contract. */
function promisesOnly(memory: MemoryRateStore): RateStore {
  return {
    reserve: (at, charges) => memory.reserve(at, charges),
    settle: (charges) => memory.settle(charges),
    release: (charges) => memory.release(charges),
    setPause: (until) => memory.setPause(until),
    setBan: (until) => memory.setBan(until),
    getState: (at) => memory.getState(at),
  };
}

export async function limiterBench(options: {
  rounds: number;
  requests: number;
  onRound?: ((round: LimiterRound) => void) | undefined;
}): Promise<LimiterRound[]> {
  const limits = [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 1e12 },
    { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 1e12 },
  ] as const;
  const headers = { 'x-mbx-used-weight-1m': '42' };
  const perRequestUs = async (limiter: WeightLimiter): Promise<number> => {
    const start = performance.now();
    for (let i = 0; i < options.requests; i++) {
      const permit = await limiter.acquire({ weight: 2, label: 'GET /api/v3/ticker/price' });
      await limiter.settle(permit, { status: 200, headers });
    }
    return ((performance.now() - start) * 1000) / options.requests;
  };
  const make = (store: (typeof LIMITER_STORES)[number]) => {
    const memory = new MemoryRateStore();
    return new WeightLimiter({ limits, store: store === LIMITER_STORES[0] ? memory : promisesOnly(memory) });
  };
  const out: LimiterRound[] = [];
  for (const store of LIMITER_STORES) await perRequestUs(make(store)); // warm-up
  for (let round = 1; round <= options.rounds; round++) {
    const order = round % 2 ? LIMITER_STORES : [...LIMITER_STORES].reverse();
    for (const store of order) {
      const sample = { store, round, us: await perRequestUs(make(store)) };
      out.push(sample);
      options.onRound?.(sample);
    }
  }
  return out;
}
