/**
 * The guard's own per-request cost, in µs: everything it does around one attempt (throttle reservation, stamp,
 * signature, breaker, header reconciliation), with an in-memory transport so no I/O is measured. Used by
 * `guard.bench.ts` and by the root `npm run bench` (B5).
 */
import { BinanceGuard } from '../src/guard/BinanceGuard.ts';
import { Credentials } from '../src/guard/Credentials.ts';
import type { GuardTransport } from '../src/guard/transport.ts';

export interface GuardBenchOptions {
  rounds: number;
  /** Requests per variant per round. */
  requests: number;
  onRound?: ((sample: GuardRound, rounds: number) => void) | undefined;
}

export interface GuardRound {
  case: string;
  round: number;
  /** Guarded minus bare µs per request. */
  overheadUs: number;
}

const ORIGIN = 'https://api.binance.com';

interface Canned {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const GUARD_CASES = [
  { name: 'public GET /api/v3/ticker/price', url: `${ORIGIN}/api/v3/ticker/price?symbol=BTCUSDT`, method: 'GET' },
  { name: 'signed GET /api/v3/account (HMAC)', url: `${ORIGIN}/api/v3/account`, method: 'GET' },
  {
    name: 'signed POST /api/v3/order (HMAC, form body)',
    url: `${ORIGIN}/api/v3/order`,
    method: 'POST',
    body: 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=20000',
  },
] as const;

export async function guardBench({ rounds, requests, onRound }: GuardBenchOptions): Promise<GuardRound[]> {
  const credentials = new Credentials({
    apiKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A',
    apiSecret: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
  });
  let used = 0;
  // Answers like Binance: a weight header that keeps counting, and a server time for the clock.
  const transport: GuardTransport<Canned> = {
    send: async (attempt) => {
      used += 1;
      return {
        status: 200,
        headers: { 'x-mbx-used-weight-1m': String(used % 5000) },
        body: attempt.url.includes('/api/v3/time') ? `{"serverTime":${Date.now()}}` : '{}',
      };
    },
    read: (response) => response,
  };
  const perRequestUs = async (run: (i: number) => Promise<unknown>): Promise<number> => {
    const start = performance.now();
    for (let i = 0; i < requests; i++) await run(i);
    return ((performance.now() - start) * 1000) / requests;
  };
  const out: GuardRound[] = [];
  for (const c of GUARD_CASES) {
    // Limits far above the load: this measures bookkeeping, not waiting.
    const guard = new BinanceGuard(ORIGIN, {
      throttle: {
        limits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100_000_000 }],
      },
      clock: { resyncIntervalMs: 0 },
    });
    const body = 'body' in c ? c.body : undefined;
    const request = { method: c.method, url: c.url, body };
    const bare = (i: number) =>
      transport.send({
        method: c.method,
        url: c.url,
        body,
        headers: {},
        number: i,
        purpose: 'call',
        signal: undefined,
        redirect: 'follow',
      });
    const guarded = () => guard.run(request, transport, { credentials });
    await perRequestUs(guarded); // warm-up, and the clock's first sync
    for (let round = 1; round <= rounds; round++) {
      const b = await perRequestUs(bare);
      const g = await perRequestUs(guarded);
      const sample = { case: c.name, round, overheadUs: g - b };
      out.push(sample);
      onRound?.(sample, rounds);
    }
    guard.close();
  }
  return out;
}
