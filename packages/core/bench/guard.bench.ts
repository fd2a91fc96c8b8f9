/**
 * Guard overhead per request, in µs: everything the guard does around one attempt (throttle reservation, stamp,
 * signature, breaker, header reconciliation), with an in-memory transport so no I/O is measured.
 * Run: npm run bench:guard -w @binance-errors/core
 */
import { cpus } from 'node:os';
import { BinanceGuard, type GuardTransport } from '../src/guard/BinanceGuard.ts';
import { Credentials } from '../src/guard/Credentials.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const N = Number(process.env.BENCH_N ?? 20_000);
const ORIGIN = 'https://api.binance.com';
const credentials = new Credentials({
  apiKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A',
  apiSecret: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
});

interface Canned {
  status: number;
  headers: Record<string, string>;
  body: string;
}
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

const cases = [
  { name: 'public GET /api/v3/ticker/price', url: `${ORIGIN}/api/v3/ticker/price?symbol=BTCUSDT`, method: 'GET' },
  { name: 'signed GET /api/v3/account (HMAC)', url: `${ORIGIN}/api/v3/account`, method: 'GET' },
  {
    name: 'signed POST /api/v3/order (HMAC, form body)',
    url: `${ORIGIN}/api/v3/order`,
    method: 'POST',
    body: 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=20000',
  },
];

async function perRequestUs(run: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < N; i++) await run(i);
  return ((performance.now() - start) * 1000) / N;
}

console.log(
  `guard overhead — ${N} requests × ${ROUNDS} rounds per case; node ${process.version}, ${cpus()[0]?.model} × ${cpus().length}`,
);
const rows: string[] = [];
for (const c of cases) {
  // Limits far above the load: this measures bookkeeping, not waiting.
  const guard = new BinanceGuard(ORIGIN, {
    throttle: { limits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 100_000_000 }] },
    clock: { resyncIntervalMs: 0 },
  });
  const request = { method: c.method, url: c.url, body: c.body };
  const bare = (i: number) =>
    transport.send({
      method: c.method,
      url: c.url,
      body: c.body,
      headers: {},
      number: i,
      purpose: 'call',
      signal: undefined,
    });
  const guarded = () => guard.run(request, transport, { credentials });
  await perRequestUs(guarded); // warm-up, and the clock's first sync
  const samples: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const b = await perRequestUs(bare);
    const g = await perRequestUs(guarded);
    samples.push(g - b);
    process.stdout.write(`  ${c.name}: round ${round}/${ROUNDS} overhead ${(g - b).toFixed(2)} µs\n`);
  }
  guard.close();
  samples.sort((a, b) => a - b);
  rows.push(
    `| ${c.name} | ${samples[Math.floor(samples.length / 2)]!.toFixed(2)} | ${samples[0]!.toFixed(2)}–${samples.at(-1)!.toFixed(2)} |`,
  );
}
console.log('\n| request | guard overhead µs (median) | min–max |\n|---|---:|---:|');
for (const row of rows) console.log(row);
