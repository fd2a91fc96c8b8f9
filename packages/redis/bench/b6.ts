// B6: four processes behind one IP, sharing one RedisRateStore vs each with its own in-memory budget, against the
// fake exchange with 1 s "minute" windows. Part of `npm run bench` (bench/index.ts imports b6), and runnable
// alone: `npm run bench -w @binance-errors/redis` (BENCH_ROUNDS runs of BENCH_MS ms each).
import { pathToFileURL } from 'node:url';
import type { ThrottleLimit } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import { type RedisServer, startRedis } from '../test/support/redisServer.ts';
import { usageOf } from '../test/support/usage.ts';
import { startWorkers } from '../test/support/workers.ts';

const LIMIT = 600;
const INTERVAL_MS = 1000;
const WORKERS = 4;
const CONCURRENCY = 2;
const WARMUP_MS = 500;
const LIMITS: Array<ThrottleLimit & { intervalMs: number }> = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: LIMIT, intervalMs: INTERVAL_MS },
];

type Mode = 'redis' | 'memory';

/** One run of one mode. */
interface Run {
  mode: Mode;
  /** Weight the exchange counted in full windows ÷ the limit (over the elapsed time when no window was full). */
  used: number;
  /** The fullest window ÷ the limit: above 1 means the exchange counted more than the limit. */
  worst: number;
  count429: number;
  count418: number;
  ok: number;
  failed: number;
  /** Calls that never left their worker: refused locally (ban, throttle). */
  errors: Record<string, number>;
}

export interface B6Options {
  runs: number;
  /** Measured load per run and mode, ms. */
  durationMs: number;
  onProgress?: (message: string) => void;
}

export interface B6Result {
  title: string;
  description: string;
  rows: Array<Record<string, string | number>>;
  targets: Array<{ id: string; name: string; target: string; measured: string; met: boolean | undefined }>;
  raw: unknown;
}

async function once(mode: Mode, redis: RedisServer, durationMs: number, prefix: string): Promise<Run> {
  const ex = await createFakeExchange({
    rateLimits: LIMITS,
    ban: { after429s: 3, durationsMs: [1000, 2000, 4000, 8000] },
  });
  const url = ex.url;
  const workers = await startWorkers(WORKERS, () => ({
    url,
    redisUrl: mode === 'redis' ? redis.url : undefined,
    prefix,
    limits: LIMITS,
    maxWaitMs: 10_000,
  }));
  try {
    await Promise.all(workers.map((w) => w.send({ type: 'load', durationMs: WARMUP_MS, concurrency: CONCURRENCY })));
    const since = ex.now();
    const results = await Promise.all(
      workers.map((w) => w.send({ type: 'load', durationMs, concurrency: CONCURRENCY })),
    );
    const elapsed = ex.now() - since;
    const usage = usageOf(ex, LIMIT, INTERVAL_MS, since);
    // 429s and 418s of the warm-up count too.
    const whole = usageOf(ex, LIMIT, INTERVAL_MS);
    let used = usage.mean;
    if (usage.fractions.length === 0) {
      const weight = ex.requests.filter((r) => r.time >= since).reduce((sum, r) => sum + r.weight, 0);
      used = weight / ((LIMIT * elapsed) / INTERVAL_MS);
    }
    const errors: Record<string, number> = {};
    for (const r of results) for (const [name, n] of Object.entries(r.errors)) errors[name] = (errors[name] ?? 0) + n;
    return {
      mode,
      used,
      worst: usage.fractions.length === 0 ? used : Math.max(...usage.fractions),
      count429: whole.count429,
      count418: whole.count418,
      ok: results.reduce((sum, r) => sum + r.ok, 0),
      failed: results.reduce((sum, r) => sum + r.calls - r.ok, 0),
      errors,
    };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await ex.close();
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function summary(values: number[], digits: number): string {
  const f = (x: number) => x.toFixed(digits);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? f(lo) : `${f(median(values))} (${f(lo)}–${f(hi)})`;
}

/** Runs B6: `runs` × (shared Redis store, in-memory stores), `durationMs` of saturating load each. */
export async function b6(options: B6Options): Promise<B6Result> {
  const { runs, durationMs } = options;
  const progress = options.onProgress ?? (() => undefined);
  const redis = await startRedis();
  const all: Run[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      for (const mode of ['redis', 'memory'] as const) {
        progress(
          `run ${i + 1}/${runs}: ${WORKERS} workers, ${mode === 'redis' ? 'shared Redis store' : 'in-memory stores'}`,
        );
        const run = await once(mode, redis, durationMs, `b6-${process.pid}-${i}`);
        all.push(run);
        progress(`  used ${run.used.toFixed(3)} of the limit, ${run.count429} × 429, ${run.count418} × 418`);
      }
    }
  } finally {
    await redis.stop();
  }
  const of = (mode: Mode) => all.filter((r) => r.mode === mode);
  const row = (mode: Mode, setup: string) => {
    const rs = of(mode);
    return {
      setup,
      'limit used': summary(
        rs.map((r) => r.used),
        3,
      ),
      'fullest window': summary(
        rs.map((r) => r.worst),
        3,
      ),
      '429 answers': summary(
        rs.map((r) => r.count429),
        0,
      ),
      '418 answers': summary(
        rs.map((r) => r.count418),
        0,
      ),
      'calls ok': summary(
        rs.map((r) => r.ok),
        0,
      ),
      'calls refused or failed': summary(
        rs.map((r) => r.failed),
        0,
      ),
    };
  };
  const shared = of('redis');
  const used = summary(
    shared.map((r) => r.used),
    3,
  );
  const total429 = shared.reduce((sum, r) => sum + r.count429 + r.count418, 0);
  return {
    title: 'B6 — four processes behind one IP: one Redis budget vs four in-memory budgets',
    description:
      `${WORKERS} worker threads, each with its own axios client and BinanceGuard and ${CONCURRENCY} request loops ` +
      `(GET /api/v3/depth, weight 5), run ${durationMs} ms of saturating load against the fake exchange ` +
      `(REQUEST_WEIGHT ${LIMIT} per ${INTERVAL_MS} ms window, 418 after three 429s). "limit used" is the weight the ` +
      `exchange counted in full windows ÷ the limit; median (min–max) over ${runs} run(s).`,
    rows: [
      row('redis', `${WORKERS} workers, one RedisRateStore`),
      row('memory', `${WORKERS} workers, in-memory stores`),
    ],
    targets: [
      {
        id: 'B6',
        name: 'shared Redis budget: 429 and 418 answers',
        target: '0',
        measured: String(total429),
        met: total429 === 0,
      },
      {
        id: 'B6',
        name: 'shared Redis budget: limit used',
        target: '≥ 0.9',
        measured: used,
        met: shared.every((r) => r.used >= 0.9),
      },
    ],
    raw: all,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runs = Number(process.env.BENCH_ROUNDS ?? 3);
  const durationMs = Number(process.env.BENCH_MS ?? 5000);
  const result = await b6({ runs, durationMs, onProgress: (m) => process.stderr.write(`${m}\n`) });
  const head = Object.keys(result.rows[0]!);
  const lines = [head, ...result.rows.map((r) => head.map((h) => String(r[h])))];
  const widths = head.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  process.stdout.write(`\n${result.title}\n\n`);
  for (const [i, l] of lines.entries()) {
    process.stdout.write(`| ${l.map((c, j) => c.padEnd(widths[j]!)).join(' | ')} |\n`);
    if (i === 0) process.stdout.write(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |\n`);
  }
  process.stdout.write(`\n${result.description}\n\n`);
  for (const t of result.targets) process.stdout.write(`- ${t.name}: ${t.measured} (target ${t.target})\n`);
}
