/**
 * B2, burst — a saturating burst at 2 s windows, where the edge guard costs most: every call is issued at once and
 * the guard releases them as each window allows, against a fake exchange enforcing 200 REQUEST_WEIGHT per 2 s.
 * The derived edge guard runs beside the fixed 500 ms it replaced, each against its own exchange, in the same runs.
 */
import type { BenchResult } from './lib/BenchResult.ts';
import { type BenchRequest, pluginClients } from './lib/clients.ts';
import type { Progress } from './lib/progress.ts';
import {
  EDGE_GUARD_VARIANT_NAMES,
  type EdgeGuardVariant,
  edgeGuardOf,
  edgeGuardOption,
  sharedGuard,
} from './lib/sharedGuard.ts';
import { digitsAgainst, fmt, num, pct, summarize } from './lib/stats.ts';
import { windowUsage } from './lib/windows.ts';

export interface B2BurstOptions {
  runs: number;
  /** Calls per burst, each weight 2. */
  calls: number;
  progress: Progress;
}

const LIMIT = 200;
const WINDOW_MS = 2000;
const LIMITS = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: LIMIT, intervalMs: WINDOW_MS },
] as const;
const REQUEST: BenchRequest = {
  method: 'GET',
  path: '/api/v3/ticker/price',
  params: { symbol: 'BTCUSDT' },
  signed: false,
};
interface BurstSample {
  variant: EdgeGuardVariant;
  run: number;
  /** Weight of 2xx answers in the full windows between the first and the last request ÷ (limit × windows). */
  usedFraction: number;
  fullWindows: number;
  status429: number;
  status418: number;
  failed: number;
  /** The guard's edge guard after the burst, ms. */
  edgeGuardMs: number;
}

async function burst(variant: EdgeGuardVariant, run: number, calls: number): Promise<BurstSample> {
  const { ex, guard, sends, close } = await sharedGuard(
    { rateLimits: LIMITS },
    { limits: LIMITS, ...edgeGuardOption(variant) },
  );
  try {
    const statuses = await Promise.all(Array.from({ length: calls }, (_, i) => sends[i % sends.length]!(REQUEST)));
    // The first window holds what was left of it when the burst started, the last what was left of the burst.
    const answered = ex.requests.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.time);
    const from = (Math.floor(Math.min(...answered) / WINDOW_MS) + 1) * WINDOW_MS;
    const to = Math.floor(Math.max(...answered) / WINDOW_MS) * WINDOW_MS;
    const usage = windowUsage(ex.requests, LIMIT, WINDOW_MS, from, to);
    return {
      variant,
      run,
      usedFraction: usage.usedFraction,
      fullWindows: usage.windows.length,
      status429: ex.count({ status: 429 }),
      status418: ex.count({ status: 418 }),
      failed: statuses.filter((s) => s !== 200).length,
      edgeGuardMs: edgeGuardOf(guard),
    };
  } finally {
    await close();
  }
}

export async function b2Burst(options: B2BurstOptions): Promise<BenchResult> {
  const { runs, calls, progress } = options;
  const samples: BurstSample[] = [];
  for (let run = 1; run <= runs; run++) {
    progress.update(`B2 burst run ${run}/${runs}: ${calls} calls at ${LIMIT} weight per 2 s window`);
    const got = await Promise.all(EDGE_GUARD_VARIANT_NAMES.map((v) => burst(v, run, calls)));
    samples.push(...got);
    progress.line(
      `B2 burst run ${run}/${runs} ${got.map((g) => `${g.variant.split(' (')[0]} ${(g.usedFraction * 100).toFixed(1)}% (429: ${g.status429}, edge ${g.edgeGuardMs} ms)`).join('; ')}`,
    );
  }
  const rows: string[][] = [];
  const chart: BenchResult['chart'] = [];
  const targets: BenchResult['targets'] = [];
  for (const variant of EDGE_GUARD_VARIANT_NAMES) {
    const s = samples.filter((x) => x.variant === variant);
    const used = summarize(s.map((x) => x.usedFraction));
    const usedPct = pct(used);
    const n429 = s.reduce((a, x) => a + x.status429, 0);
    const n418 = s.reduce((a, x) => a + x.status418, 0);
    rows.push([
      variant,
      usedPct,
      fmt(summarize(s.map((x) => x.fullWindows)), 0),
      `${n429} / ${n418}`,
      fmt(summarize(s.map((x) => x.failed)), 0),
      fmt(summarize(s.map((x) => x.edgeGuardMs)), 0),
    ]);
    chart.push({
      group: 'B2 fraction of the weight limit used',
      label: `burst, 2 s windows, ${variant.split(' (')[0]}`,
      value: used,
      target: 0.95,
      better: 'higher',
      percent: true,
    });
    if (variant === 'derived edge guard (default)') {
      targets.push(
        {
          id: 'B2',
          name: 'saturating burst at 2 s windows: fraction of the weight limit used',
          target: '≥ 95 %',
          measured: pct(used, digitsAgainst(used.median * 100, 95, 1)),
          met: used.median >= 0.95,
        },
        {
          id: 'B2',
          name: 'saturating burst at 2 s windows: 429 / 418 answers, all runs',
          target: '0',
          measured: `${n429} / ${n418}`,
          met: n429 === 0 && n418 === 0,
        },
      );
    }
  }
  return {
    id: 'B2',
    title: `B2, burst — ${num(options.calls)} calls at once, ${LIMIT} weight per 2 s window`,
    description: `${runs} runs. Each run issues ${num(calls)} GET /api/v3/ticker/price (weight 2) at once, round robin over ${pluginClients()
      .map((c) => c.name)
      .join(
        ', ',
      )} sharing one guard (default safety 0.98), against a fake exchange enforcing ${LIMIT} weight per 2 s window; both variants run side by side against their own exchanges. "Used" counts the weight of 2xx answers in the windows between the first and the last (the first holds what was left of it when the burst began, the last what was left of the burst). The edge guard column is its value after the burst.`,
    table: {
      head: ['variant', 'limit used', 'full windows', '429 / 418 all runs', 'failed calls per run', 'edge guard ms'],
      rows,
    },
    targets,
    chart,
    notes: [
      `The guard keeps 2 % of each window in reserve (safety 0.98), so 98 % is its ceiling. A request released within the edge guard of a window's end is charged to both windows, and stays counted in both when its answer cannot tell which one it landed in.`,
    ],
    raw: samples,
  };
}
