import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryRateStore } from './MemoryRateStore.ts';
import type { AcquireRequest, ThrottleLimit } from './types.ts';
import { WeightLimiter } from './WeightLimiter.ts';

// A simulated exchange with its own fixed-window counters, fed by a WeightLimiter through a simulated network.
// The exchange counts a request when it ARRIVES (release + forward latency); the limiter learns the counts only
// from the headers of its own responses, which may come back late, out of order, or not at all.

const WEIGHT_WINDOW_MS = 2000; // "1 MINUTE" run as 2 s
const ORDER_WINDOW_MS = 1000; // "10 SECOND" run as 1 s
const MAX_LATENCY_MS = 300;
const MAX_CLOCK_ERROR_MS = 50;
const BASE = 1_800_000_000_000;

interface Request {
  at: number;
  weight: number;
  kind: 'read' | 'order' | 'rejected-order';
  forwardMs: number;
  backMs: number;
  feedback: 'deliver' | 'drop' | 'delay';
  delayMs: number;
  process: 0 | 1;
}

interface Scenario {
  phase: number;
  weightLimit: number;
  orderLimit: number;
  skews: [number, number];
  requests: Request[];
  foreign: { at: number; weight: number }[];
}

// Latency is asymmetric: mostly short, with a long tail, and the way back independent of the way there.
const latency = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: MAX_LATENCY_MS }) },
  { weight: 1, arbitrary: fc.constantFrom(0, MAX_LATENCY_MS) },
);

const request = fc.record<Request>({
  // Bursts around window boundaries are where limiters break; plain uniform arrivals rarely land there.
  at: fc.oneof(
    fc.integer({ min: 0, max: 6000 }),
    fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: -400, max: 100 }))
      .map(([k, d]) => Math.max(0, k * WEIGHT_WINDOW_MS + d)),
  ),
  weight: fc.integer({ min: 1, max: 8 }),
  kind: fc.constantFrom('read', 'read', 'order', 'rejected-order'),
  forwardMs: latency,
  backMs: latency,
  feedback: fc.constantFrom('deliver', 'deliver', 'drop', 'delay'),
  delayMs: fc.integer({ min: 0, max: 1500 }),
  process: fc.constantFrom(0, 1),
});

const scenario = (foreign: boolean) =>
  fc.record<Scenario>({
    phase: fc.integer({ min: 0, max: WEIGHT_WINDOW_MS - 1 }),
    weightLimit: fc.integer({ min: 8, max: 30 }),
    orderLimit: fc.integer({ min: 1, max: 5 }),
    skews: fc.tuple(
      fc.integer({ min: -MAX_CLOCK_ERROR_MS, max: MAX_CLOCK_ERROR_MS }),
      fc.integer({ min: -MAX_CLOCK_ERROR_MS, max: MAX_CLOCK_ERROR_MS }),
    ),
    requests: fc.array(request, { minLength: 1, maxLength: 80, size: 'max' }),
    foreign: foreign
      ? fc.array(fc.record({ at: fc.integer({ min: 0, max: 12_000 }), weight: fc.integer({ min: 1, max: 6 }) }), {
          maxLength: 20,
          size: 'max',
        })
      : fc.constant([]),
  });

interface Setup {
  safety: number;
  edgeGuardMs: number;
  earlyGuardMs: number;
  /** Two processes behind one IP sharing one store. */
  shared: boolean;
}

interface Outcome {
  overWeight: string[];
  overOrders: string[];
  granted: number;
  refused: number;
}

async function simulate(s: Scenario, setup: Setup): Promise<Outcome> {
  vi.useFakeTimers({ now: BASE + s.phase });
  try {
    const limits: ThrottleLimit[] = [
      {
        rateLimitType: 'REQUEST_WEIGHT',
        interval: 'MINUTE',
        intervalNum: 1,
        limit: s.weightLimit,
        intervalMs: WEIGHT_WINDOW_MS,
      },
      {
        rateLimitType: 'ORDERS',
        interval: 'SECOND',
        intervalNum: 10,
        limit: s.orderLimit,
        intervalMs: ORDER_WINDOW_MS,
      },
    ];
    const store = new MemoryRateStore();
    const limiters = s.skews.map(
      (skew) =>
        new WeightLimiter({
          limits,
          safety: setup.safety,
          edgeGuardMs: setup.edgeGuardMs,
          earlyGuardMs: setup.earlyGuardMs,
          maxWaitMs: Number.POSITIVE_INFINITY,
          serverNow: () => Date.now() + skew,
          store: setup.shared ? store : undefined,
        }),
    );
    const weightCount = new Map<number, number>();
    const orderCount = new Map<number, number>();
    const foreignCount = new Map<number, number>();
    const headroom = s.weightLimit - Math.floor(s.weightLimit * setup.safety);
    const out: Outcome = { overWeight: [], overOrders: [], granted: 0, refused: 0 };

    /** The exchange: counts at arrival and answers with its counts for the arrival's windows. */
    const arrive = (weight: number, orders: number) => {
      const now = Date.now();
      const w = Math.floor(now / WEIGHT_WINDOW_MS);
      const o = Math.floor(now / ORDER_WINDOW_MS);
      weightCount.set(w, (weightCount.get(w) ?? 0) + weight);
      if (orders > 0) orderCount.set(o, (orderCount.get(o) ?? 0) + orders);
      return { weight: weightCount.get(w) ?? 0, orders: orderCount.get(o) ?? 0 };
    };

    for (const f of s.foreign) {
      // Another program on the same IP, invisible to the limiter except through the counts in its headers.
      // It stays within the share the limiter leaves free (1 − safety); beyond that no limiter could keep up.
      setTimeout(() => {
        const w = Math.floor(Date.now() / WEIGHT_WINDOW_MS);
        if ((foreignCount.get(w) ?? 0) + f.weight > headroom) return;
        foreignCount.set(w, (foreignCount.get(w) ?? 0) + f.weight);
        arrive(f.weight, 0);
      }, f.at);
    }

    // Half the requests are one frozen object per kind, as the guard passes them, which the limiter grants in a lane
    // of its own when it can; the other half are fresh objects, which only its general path takes.
    const frozen = new Map<string, AcquireRequest>();
    const requestOf = (weight: number, isOrder: boolean, fresh: boolean): AcquireRequest => {
      const request = { weight, orders: isOrder ? 1 : 0, weightOnSuccess: isOrder ? 0 : undefined };
      if (fresh) return request;
      const key = `${weight}:${isOrder}`;
      if (!frozen.has(key)) frozen.set(key, Object.freeze(request));
      return frozen.get(key)!;
    };
    const done: Promise<void>[] = [];
    for (const [i, r] of s.requests.entries()) {
      const limiter = limiters[setup.shared ? r.process : 0]!;
      const isOrder = r.kind !== 'read';
      const weight = isOrder ? 1 : r.weight;
      done.push(
        new Promise<void>((resolve) => {
          setTimeout(() => {
            limiter
              .acquire(requestOf(weight, isOrder, i % 2 === 1))
              .then((permit) => {
                out.granted++;
                setTimeout(() => {
                  // A successful order costs no weight; a rejected one costs its weight and places nothing.
                  const success = r.kind !== 'rejected-order';
                  const counts = arrive(r.kind === 'order' ? 0 : weight, r.kind === 'order' ? 1 : 0);
                  const headers: Record<string, string> = { 'x-mbx-used-weight-1m': String(counts.weight) };
                  if (r.kind === 'order') headers['x-mbx-order-count-10s'] = String(counts.orders);
                  const status = success ? 200 : 400;
                  const settle = () =>
                    limiter
                      .settle(permit, r.feedback === 'drop' ? { status } : { status, headers })
                      .then(() => resolve());
                  setTimeout(settle, r.backMs + (r.feedback === 'delay' ? r.delayMs : 0));
                }, r.forwardMs);
              })
              .catch(() => {
                out.refused++;
                resolve();
              });
          }, r.at);
        }),
      );
    }
    // Long enough for the worst case: every request queued behind a full weight window.
    await vi.advanceTimersByTimeAsync(20_000 + s.requests.length * 8 * WEIGHT_WINDOW_MS);
    await Promise.all(done);
    for (const [w, count] of weightCount)
      if (count > s.weightLimit) out.overWeight.push(`weight window ${w}: ${count}`);
    for (const [o, count] of orderCount) if (count > s.orderLimit) out.overOrders.push(`order window ${o}: ${count}`);
    return out;
  } finally {
    vi.useRealTimers();
  }
}

const exact: Setup = {
  safety: 1,
  edgeGuardMs: MAX_LATENCY_MS + MAX_CLOCK_ERROR_MS,
  earlyGuardMs: MAX_CLOCK_ERROR_MS,
  shared: false,
};

afterEach(() => {
  vi.useRealTimers();
});

describe('WeightLimiter (model)', () => {
  it('never lets the server count exceed a limit in any window, at full use of the limit', async () => {
    await fc.assert(
      fc.asyncProperty(scenario(false), async (s) => {
        const out = await simulate(s, exact);
        expect(out.overWeight).toEqual([]);
        expect(out.overOrders).toEqual([]);
        expect(out.granted).toBe(s.requests.length);
      }),
      { numRuns: 1000, seed: 20260402 },
    );
  }, 30_000);

  it('stays within the limit while another program on the IP uses the share left by safety', async () => {
    await fc.assert(
      fc.asyncProperty(scenario(true), async (s) => {
        const out = await simulate(s, { ...exact, safety: 0.75 });
        expect(out.overWeight).toEqual([]);
        expect(out.overOrders).toEqual([]);
        expect(out.granted + out.refused).toBe(s.requests.length);
      }),
      { numRuns: 500, seed: 20260403 },
    );
  }, 30_000);

  it('stays within the limit with two processes sharing one store', async () => {
    await fc.assert(
      fc.asyncProperty(scenario(false), async (s) => {
        const out = await simulate(s, { ...exact, shared: true });
        expect(out.overWeight).toEqual([]);
        expect(out.overOrders).toEqual([]);
        expect(out.granted).toBe(s.requests.length);
      }),
      { numRuns: 500, seed: 20260404 },
    );
  }, 30_000);

  it('catches a limiter that ignores window edges (the model can fail)', async () => {
    const result = await fc.check(
      fc.asyncProperty(scenario(false), async (s) => {
        const out = await simulate(s, { ...exact, edgeGuardMs: 0, earlyGuardMs: 0 });
        return out.overWeight.length === 0 && out.overOrders.length === 0;
      }),
      { numRuns: 250, seed: 20260405 },
    );
    expect(result.failed).toBe(true);
  }, 30_000);
});
