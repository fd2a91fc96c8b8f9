/**
 * B2 at the real 1-minute window — Binance's REQUEST_WEIGHT limit as the exchange keeps it (6,000 per minute; no
 * shortened window on the fake exchange, no `intervalScale` on the guard) under B2's saturating mixed-weight load
 * from axios, ky and got sharing one guard. The derived edge guard runs beside the fixed 500 ms it replaced, each
 * against its own exchange, in the same run. A smoke run may shorten the window; the limit shrinks with it.
 */
import type { BenchResult } from './lib/BenchResult.ts';
import { pluginClients } from './lib/clients.ts';
import type { Progress } from './lib/progress.ts';
import {
  EDGE_GUARD_VARIANT_NAMES,
  type EdgeGuardVariant,
  edgeGuardOf,
  edgeGuardOption,
  type SharedGuard,
  sharedGuard,
} from './lib/sharedGuard.ts';
import { digitsAgainst, fmt, num, pct, summarize } from './lib/stats.ts';
import { skewToLead, windowUsage } from './lib/windows.ts';
import { closedLoop, type LoadShape, MEAN_WEIGHT } from './lib/workload.ts';

export interface B2MinuteOptions extends LoadShape {
  runs: number;
  /** Full windows measured per run, after the warm-up. */
  windows: number;
  /** Window length, ms: 60,000 (the real minute, nothing shortened) unless a smoke run shortens it. */
  windowMs: number;
  /** Load before the first window boundary, ms: the clock's first sync and the first round trips. */
  leadMs: number;
  progress: Progress;
}

const MINUTE_MS = 60_000;
/** Binance Spot's REQUEST_WEIGHT limit per minute. */
const LIMIT_PER_MINUTE = 6000;
/** Load goes on this long past the last measured window, ms, so nothing stops short of its end. */
const TAIL_MS = 500;

interface MinuteSample {
  variant: EdgeGuardVariant;
  run: number;
  /** Weight of 2xx answers in the measured windows ÷ (limit × windows). */
  usedFraction: number;
  /** Each measured window's 2xx weight ÷ limit. */
  windowFractions: number[];
  /** The same for the first full window, which the warm-up takes (the guard's first boundary is behind it). */
  warmupWindowFraction: number;
  /** Highest weight the exchange counted in one measured window ÷ limit (429'd requests count too). */
  peakWindowFraction: number;
  requests: number;
  status429: number;
  status418: number;
  /** Requests refused before sending (a wait beyond `maxWaitMs`), or transport errors. */
  localErrors: number;
  /** The guard's edge guard at the end of the run, ms. */
  edgeGuardMs: number;
  /** The exchange clock's skew, ms: it puts the start of the load `leadMs` before a window boundary. */
  skewMs: number;
}

/** The window's name in titles: "1-minute" for the real one, "2 s" for a shortened one. */
const windowName = (windowMs: number) => (windowMs === MINUTE_MS ? '1-minute' : `${num(windowMs / 1000, 1)} s`);

export async function b2Minute(options: B2MinuteOptions): Promise<BenchResult> {
  const { runs, windowMs, progress } = options;
  const limit = Math.round((LIMIT_PER_MINUTE * windowMs) / MINUTE_MS);
  const base = { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit } as const;
  // The real minute is left as Binance states it: no intervalMs anywhere.
  const limits = [windowMs === MINUTE_MS ? base : { ...base, intervalMs: windowMs }];
  const name = `B2 ${windowName(windowMs)}`;
  const samples: MinuteSample[] = [];
  for (let run = 1; run <= runs; run++) {
    const setups = await Promise.all(
      EDGE_GUARD_VARIANT_NAMES.map(async (variant) => ({
        variant,
        ...(await sharedGuard({ rateLimits: limits }, { limits, ...edgeGuardOption(variant) })),
      })),
    );
    const timers: ReturnType<typeof setTimeout>[] = [];
    try {
      const skewMs = skewToLead(Date.now(), windowMs, options.leadMs);
      for (const s of setups) s.ex.setSkew(skewMs);
      const start = setups[0]!.ex.now();
      const firstBoundary = Math.ceil(start / windowMs) * windowMs;
      // The warm-up takes the first boundary and the full window after it; the measured windows follow.
      const from = firstBoundary + windowMs;
      const to = from + options.windows * windowMs;
      const until = performance.now() + (to - start) + TAIL_MS;
      const usedIn = (s: SharedGuard, end: number) =>
        windowUsage(s.ex.requests, limit, windowMs, end - windowMs, end).usedFraction;
      for (let end = from, i = 0; end <= to; end += windowMs, i++) {
        const label = i === 0 ? 'warm-up window' : `window ${i}/${options.windows}`;
        timers.push(
          setTimeout(
            () =>
              progress.line(
                `${name} run ${run}/${runs} ${label}: ${setups.map((s) => `${short(s.variant)} ${(usedIn(s, end) * 100).toFixed(1)}% (429: ${s.ex.count({ status: 429 })})`).join('; ')}`,
              ),
            end - start + TAIL_MS / 2,
          ),
        );
      }
      const stopTicking = progress.ticking(() => {
        const now = setups[0]!.ex.now();
        const i = Math.min(options.windows, Math.floor((now - from) / windowMs) + 1);
        const phase = now < from ? 'warm-up' : `window ${i}/${options.windows}`;
        const left = Math.max(0, (until - performance.now()) / 1000);
        return `${name} run ${run}/${runs}: ${phase}, ${left.toFixed(0)} s left; ${setups.map((s) => `${short(s.variant)} ${s.ex.count({ status: 429 })}×429`).join(', ')}`;
      });
      const errors = await Promise.all(setups.map((s) => closedLoop(s.sends, options, until)));
      stopTicking();
      for (const [i, s] of setups.entries()) {
        const usage = windowUsage(s.ex.requests, limit, windowMs, from, to);
        samples.push({
          variant: s.variant,
          run,
          usedFraction: usage.usedFraction,
          windowFractions: usage.windows.map((w) => w.used),
          warmupWindowFraction: usedIn(s, from),
          peakWindowFraction: usage.peakWindowFraction,
          requests: s.ex.requests.length,
          status429: s.ex.count({ status: 429 }),
          status418: s.ex.count({ status: 418 }),
          localErrors: errors[i]!,
          edgeGuardMs: edgeGuardOf(s.guard),
          skewMs,
        });
      }
    } finally {
      for (const t of timers) clearTimeout(t);
      await Promise.all(setups.map((s) => s.close()));
    }
  }
  return report(samples, options, limit);
}

/** A variant's name in progress lines. */
const short = (variant: EdgeGuardVariant) => variant.split(' (')[0]!;

function report(samples: MinuteSample[], options: B2MinuteOptions, limit: number): BenchResult {
  const { runs, windows, windowMs, leadMs } = options;
  const win = windowName(windowMs);
  const ceiling = Math.floor(limit * 0.98);
  const rows: string[][] = [];
  const chart: BenchResult['chart'] = [];
  const targets: BenchResult['targets'] = [];
  const notes: string[] = [];
  for (const variant of EDGE_GUARD_VARIANT_NAMES) {
    const s = samples.filter((x) => x.variant === variant);
    const used = summarize(s.map((x) => x.usedFraction));
    const n429 = s.reduce((a, x) => a + x.status429, 0);
    const n418 = s.reduce((a, x) => a + x.status418, 0);
    const each = s.map((x) => x.windowFractions.map((f) => `${(f * 100).toFixed(1)} %`).join(', ')).join('; ');
    rows.push([
      variant,
      pct(used),
      each,
      pct(summarize(s.map((x) => x.warmupWindowFraction))),
      pct(summarize(s.map((x) => x.peakWindowFraction))),
      `${n429} / ${n418}`,
      fmt(summarize(s.map((x) => x.localErrors)), 0),
      fmt(summarize(s.map((x) => x.edgeGuardMs)), 0),
    ]);
    chart.push({
      group: `B2 fraction of the weight limit used, ${win} windows`,
      label: `${win} windows, ${short(variant)}`,
      value: used,
      target: 0.97,
      better: 'higher',
      percent: true,
    });
    const shortfall = s.flatMap((x) => x.windowFractions).map((f) => ceiling - f * limit);
    if (shortfall.length) {
      notes.push(
        `${variant}: the measured windows ended ${num(Math.min(...shortfall))}–${num(Math.max(...shortfall))} weight short of the guard's ceiling (${num(ceiling)}, 98 % of ${num(limit)}).`,
      );
    }
    if (variant === 'derived edge guard (default)') {
      targets.push(
        {
          id: 'B2',
          name: `${win} windows: fraction of the weight limit used (axios + ky + got, one guard)`,
          target: '≥ 97 %',
          measured: pct(used, digitsAgainst(used.median * 100, 97, 1)),
          met: used.median >= 0.97,
        },
        {
          id: 'B2',
          name: `${win} windows: 429 / 418 answers, all runs`,
          target: '0',
          measured: `${n429} / ${n418}`,
          met: n429 === 0 && n418 === 0,
        },
      );
    }
  }
  const shortened = windowMs === MINUTE_MS ? '' : ` (shortened from a minute for a smoke run, the limit with it)`;
  return {
    id: 'B2',
    title: `B2, ${win} windows — ${num(limit)} weight per ${windowMs === MINUTE_MS ? 'real minute' : `${num(windowMs / 1000, 1)} s window`}`,
    description: `${runs} run${runs === 1 ? '' : 's'}; each measures ${windows} full ${win} windows${shortened} after a warm-up of ${num(leadMs / 1000, 1)} s of load, the first window boundary and the full window after it. The fake exchanges enforce ${num(limit)} REQUEST_WEIGHT per window, Binance Spot's limit${windowMs === MINUTE_MS ? ', on the real minute: no `intervalMs` on the exchange, no `intervalScale` on the guard' : ''}. Each exchange's clock is set up to ±½ window off the local one so the load starts ${num(leadMs / 1000, 1)} s before a boundary (the guard's clock sync absorbs the offset). Both variants run side by side, each against its own exchange, with B2's load: ${options.workers} closed-loop workers per variant split across ${pluginClients()
      .map((c) => c.name)
      .join(
        ', ',
      )} sharing one guard (default options), each starting a request at most every ${options.cycleMs} ms — up to ${num(((options.workers * 1000) / options.cycleMs) * MEAN_WEIGHT)} weight/s against ${num((limit * 1000) / windowMs)} weight/s — from the same seeded mix (mean weight ${MEAN_WEIGHT.toFixed(1)}). "Used" counts the weight of 2xx answers in the measured windows.`,
    table: {
      head: [
        'variant',
        'limit used',
        'each measured window',
        'first full window (warm-up)',
        'busiest window ÷ limit',
        '429 / 418 all runs',
        'failed locally per run',
        'edge guard ms at the end',
      ],
      rows,
    },
    targets,
    chart,
    notes: [
      `The guard keeps 2 % of each window in reserve (\`safety: 0.98\`), so ${num(ceiling)} of ${num(limit)} (98 %) is its ceiling; what a window ends short of it is the request at the head of the queue (weight up to 25) waiting for the next window. The load fills a window within seconds of its start, so no request is released near its end and the edge guard does not come into play: both variants should use the same share.`,
      `The first full window is warm-up because the window before it is not full when it ends (the load started ${num(leadMs / 1000, 1)} s before the boundary): requests released within the edge guard of its end are charged to both windows, and those answered after the boundary stay counted in both (the answer cannot tell which window counted them), so the guard holds back up to that much of the next window. A larger edge guard holds back more.`,
      `"Failed locally" are requests the guard refused at once (\`BinanceThrottleError\`) because the window was spent and the wait for the next would exceed \`maxWaitMs\` (30 s by default); the workers go again after their cycle, and queue from 30 s before the boundary.`,
      ...notes,
    ],
    raw: samples,
  };
}
