/**
 * B4 — load shedding during a -1008 storm. axios, ky and got share one guard and offer 500 requests per second
 * (open loop, round robin) to a fake exchange; after a healthy lead-in the exchange answers every request 503 -1008
 * for 10 s. Variants side by side, each against its own exchange: the breaker as configured, and the breaker off.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { BinanceGuard, type OpossumBreakerOptions } from '@binance-errors/core';
import type { BenchResult } from './lib/BenchResult.ts';
import { BENCH_KEY, type BenchRequest, LIMITS_FAR_ABOVE_LOAD, pluginClients, type Send } from './lib/clients.ts';
import { ExchangeHost, type RemoteExchange } from './lib/ExchangeHost.ts';
import type { Progress } from './lib/progress.ts';
import { fmt, num, type Summary, sleep, summarize } from './lib/stats.ts';

export interface B4Options {
  runs: number;
  /** Offered load, requests per second. */
  rate: number;
  /** Healthy load before the storm, ms. */
  leadInMs: number;
  stormMs: number;
  /** The breakers under test, by name; each runs beside the others and beside the breaker off. */
  breakers: Record<string, OpossumBreakerOptions & { resetTimeoutMs: number }>;
  progress: Progress;
}

export interface B4Sample {
  variant: string;
  resetTimeoutMs: number | undefined;
  run: number;
  offeredInStorm: number;
  reachedInStorm: number;
  reachedFraction: number;
  /** From the storm's end to the first successful answer, ms; NaN when none came. */
  recoveryMs: number;
  /** Round trip of that first success (the probe, with the breaker on), ms. */
  probeMs: number;
  /** When the breaker opened, ms after the storm began. */
  openedAfterMs: number;
  states: string[];
  /** p99 event-loop delay of the client thread during the run, ms: near 0 means the clients kept up. */
  loopDelayP99Ms: number;
}

const TICKER: BenchRequest = {
  method: 'GET',
  path: '/api/v3/ticker/price',
  params: { symbol: 'BTCUSDT' },
  signed: false,
};

interface Variant {
  name: string;
  ex: RemoteExchange;
  resetTimeoutMs: number | undefined;
  guard: BinanceGuard;
  sends: Send[];
  states: Array<{ state: string; at: number }>;
  sent: Array<{ at: number; done: number; status: number }>;
}

async function variant(
  host: ExchangeHost,
  name: string,
  breaker: (OpossumBreakerOptions & { resetTimeoutMs: number }) | false,
): Promise<Variant> {
  const ex = await host.create({ rateLimits: LIMITS_FAR_ABOVE_LOAD });
  const guard = new BinanceGuard(ex.url, { throttle: { limits: LIMITS_FAR_ABOVE_LOAD }, breaker });
  const states: Variant['states'] = [];
  guard.onBreakerStateChange((state) => states.push({ state, at: Date.now() }));
  const sends = pluginClients().map((c) => c.plugin(ex.url, { ...BENCH_KEY, guard }));
  return { name, ex, guard, sends, states, sent: [], resetTimeoutMs: breaker ? breaker.resetTimeoutMs : undefined };
}

/** Offers `rate` requests per second to every variant until `done()` says stop. */
async function offer(variants: Variant[], rate: number, done: () => boolean): Promise<void> {
  const start = performance.now();
  let issued = 0;
  const pending: Array<Promise<unknown>> = [];
  while (!done()) {
    const due = Math.floor(((performance.now() - start) * rate) / 1000);
    for (; issued < due; issued++) {
      for (const v of variants) {
        const at = Date.now();
        const record = { at, done: 0, status: 0 };
        v.sent.push(record);
        pending.push(
          v.sends[issued % v.sends.length]!(TICKER).then((status) => {
            record.done = Date.now();
            record.status = status;
          }),
        );
      }
    }
    await sleep(2);
  }
  await Promise.all(pending);
}

export async function b4Breaker(options: B4Options): Promise<BenchResult> {
  const samples: B4Sample[] = [];
  const { runs, stormMs, progress } = options;
  const host = new ExchangeHost();
  const longestReset = Math.max(...Object.values(options.breakers).map((b) => b.resetTimeoutMs));
  for (let run = 1; run <= runs; run++) {
    const variants = await Promise.all([
      ...Object.entries(options.breakers).map(([name, b]) => variant(host, name, b)),
      variant(host, 'breaker off', false),
    ]);
    try {
      const t0 = Date.now();
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      let stormStart = Number.POSITIVE_INFINITY;
      let stormEnd = Number.POSITIVE_INFINITY;
      const limit = t0 + options.leadInMs + stormMs + longestReset + 3000;
      const recovered = (v: Variant) => v.sent.some((s) => s.at >= stormEnd && s.status === 200 && s.done > 0);
      const timer = setTimeout(async () => {
        const starts = await Promise.all(variants.map((v) => v.ex.storm(stormMs, TICKER.path)));
        stormStart = Math.min(...starts);
        stormEnd = Math.max(...starts) + stormMs;
      }, options.leadInMs);
      const ticker = setInterval(() => {
        const phase = Date.now() < stormStart ? 'lead-in' : Date.now() < stormEnd ? 'storm' : 'after the storm';
        progress.update(`B4 run ${run}/${runs}: ${phase}, ${num(variants[0]!.sent.length)} offered per variant`);
      }, 500);
      // Keep offering until every variant has recovered (plus half a second), or give up at `limit`.
      let allRecoveredAt: number | undefined;
      await offer(variants, options.rate, () => {
        const now = Date.now();
        if (allRecoveredAt === undefined && now > stormEnd && variants.every(recovered)) allRecoveredAt = now;
        return now > limit || (allRecoveredAt !== undefined && now > allRecoveredAt + 500);
      });
      clearTimeout(timer);
      clearInterval(ticker);
      loop.disable();
      const loopDelayP99Ms = loop.percentile(99) / 1e6;
      const got = await Promise.all(variants.map((v) => measure(v, run, stormStart, stormEnd, loopDelayP99Ms)));
      samples.push(...got);
      progress.line(
        `B4 run ${run}/${runs} ${got.map((g) => `${g.variant}: ${(g.reachedFraction * 100).toFixed(1)}% reached, opened after ${num(g.openedAfterMs)} ms, recovered in ${num(g.recoveryMs)} ms`).join('; ')}; loop delay p99 ${loopDelayP99Ms.toFixed(0)} ms`,
      );
    } finally {
      for (const v of variants) {
        v.guard.close();
        await v.ex.close();
      }
    }
  }
  await host.close();
  return report(samples, options);
}

async function measure(
  v: Variant,
  run: number,
  stormStart: number,
  stormEnd: number,
  loopDelayP99Ms: number,
): Promise<B4Sample> {
  const offered = v.sent.filter((s) => s.at >= stormStart && s.at < stormEnd).length;
  const reached = await v.ex.count(TICKER.path, stormStart, stormEnd);
  const first = v.sent.filter((s) => s.status === 200 && s.done >= stormEnd).sort((a, b) => a.done - b.done)[0];
  const opened = v.states.find((s) => s.state === 'open' && s.at >= stormStart);
  return {
    variant: v.name,
    resetTimeoutMs: v.resetTimeoutMs,
    run,
    offeredInStorm: offered,
    reachedInStorm: reached,
    reachedFraction: offered ? reached / offered : Number.NaN,
    recoveryMs: first ? first.done - stormEnd : Number.NaN,
    probeMs: first ? first.done - first.at : Number.NaN,
    openedAfterMs: opened ? opened.at - stormStart : Number.NaN,
    states: v.states.map((s) => s.state),
    loopDelayP99Ms,
  };
}

function report(samples: B4Sample[], options: B4Options): BenchResult {
  const variants = [...new Set(samples.map((s) => s.variant))];
  const rows: string[][] = [];
  const chart: BenchResult['chart'] = [];
  const targets: BenchResult['targets'] = [];
  const pct = (x: ReturnType<typeof summarize>) => ({
    ...x,
    median: x.median * 100,
    min: x.min * 100,
    max: x.max * 100,
  });
  for (const name of variants) {
    const s = samples.filter((x) => x.variant === name);
    const reached = summarize(s.map((x) => x.reachedFraction));
    const recovery = summarize(s.map((x) => x.recoveryMs));
    rows.push([
      name,
      fmt(summarize(s.map((x) => x.offeredInStorm)), 0),
      fmt(summarize(s.map((x) => x.reachedInStorm)), 0),
      fmt(pct(reached), 1, ' %'),
      fmt(summarize(s.map((x) => x.openedAfterMs).filter(Number.isFinite)), 0),
      fmt(recovery, 0),
      fmt(summarize(s.map((x) => x.probeMs)), 1),
    ]);
    chart.push({
      group: 'B4 share of storm requests that reached the exchange',
      label: name,
      value: reached,
      target: 0.02,
      better: 'lower',
      percent: true,
    });
    const reset = s[0]?.resetTimeoutMs;
    if (reset !== undefined) {
      const slack = summarize(s.map((x) => x.recoveryMs - (reset + x.probeMs)));
      const never = s.filter((x) => Number.isNaN(x.openedAfterMs)).length;
      targets.push(
        {
          id: 'B4',
          name: `storm requests that reached the exchange, ${name}`,
          target: '≤ 2 % of offered',
          measured: fmt(pct(reached), 1, ' %'),
          met: reached.median <= 0.02,
          ...(reached.median > 0.02
            ? {
                note: `it opened ${num(summarize(s.map((x) => x.openedAfterMs)).median)} ms into the storm (median). opossum opens when failures exceed errorThresholdPercentage (50 %) of the calls in its rolling window, so the successes still in the window have to be outnumbered first: with a ${num(options.breakers[name]?.rollingCountTimeoutMs ?? 10_000)} ms window behind steady traffic that takes half the window. At ${options.rate} req/s, ≤ 2 % means opening within ${num(0.02 * options.stormMs)} ms of a ${options.stormMs / 1000} s storm, which is what the run-of-overloads rule (\`consecutiveFailures\`, on by default) does.`,
              }
            : {}),
        },
        {
          id: 'B4',
          name: `time to recover after the storm, ${name}`,
          target: `≤ reset timeout (${num(reset)} ms) + one probe round trip`,
          measured: `${recoveryText(recovery, slack)}${never ? `; never opened in ${never} of ${s.length} runs` : ''}`,
          met: slack.median <= 0,
          ...(never
            ? { note: 'A breaker that never opened recovers at once: the recovery figure says nothing about it.' }
            : {}),
        },
      );
    }
  }
  return {
    id: 'B4',
    title: 'B4 — breaker during a 10 s -1008 storm at 500 req/s',
    description: `${options.runs} runs; ${options.rate} requests/s offered open-loop (GET ticker/price, round robin over ${pluginClients()
      .map((c) => c.name)
      .join(
        ', ',
      )} sharing one guard per variant), ${options.leadInMs / 1000} s healthy lead-in, then ${options.stormMs / 1000} s of 503 -1008 on every request. Breakers: ${Object.entries(
      options.breakers,
    )
      .map(([name, b]) => `${name} = ${JSON.stringify(b)}`)
      .join(
        '; ',
      )} (the rest at their defaults). Exchanges in a worker thread. The breaker-off variant is the same plugin with \`breaker: false\`, side by side against its own exchange. "Reached" counts requests the exchange logged during the storm; recovery runs from the storm's end to the first 200 answer.`,
    table: {
      head: [
        'variant',
        'offered in storm',
        'reached exchange',
        'reached ÷ offered',
        'opened after ms',
        'recovered after ms',
        'first success RTT ms',
      ],
      rows,
    },
    targets,
    chart,
    raw: samples,
  };
}

/**
 * The recovery time, and how far its median stayed inside (or went past) the limit of reset timeout + probe round
 * trip: "33 ms (23–47); 1,968 ms inside the limit". A signed difference ("-1,968 ms") reads as a failure.
 */
export function recoveryText(recovery: Summary, slack: Summary): string {
  // Rounded before the sign is read, and without a sign: a median of exactly the limit printed "-0 ms".
  const ms = Math.round(slack.median);
  const margin = ms <= 0 ? `${num(Math.abs(ms))} ms inside the limit` : `${num(ms)} ms past it`;
  return `${fmt(recovery, 0, ' ms')}; ${margin}`;
}
