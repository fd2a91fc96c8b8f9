/**
 * B3 — clock accuracy. For each server skew from −1 h to +1 h and each direction of an asymmetric path (the request
 * takes 40 ms to reach the exchange and the answer 5 ms back, then the other way round), a fresh guard makes ten
 * signed calls through one of the clients. Counts the -1021 answers after the first sync and compares the clock's
 * |offset error| with the bound its midpoint estimate promises: half the round trip of the sample it chose.
 */
import { BinanceGuard } from '@binance-errors/core';
import { createFakeExchange } from '@binance-errors/testing';
import type { BenchResult } from './lib/BenchResult.ts';
import { BENCH_KEY, type BenchRequest, OPEN_ORDERS, pluginClients } from './lib/clients.ts';
import type { Progress } from './lib/progress.ts';
import { fmt, summarize } from './lib/stats.ts';

export interface B3Options {
  runs: number;
  skewsMs: readonly number[];
  /** One-way delays, ms: [request, response]. */
  paths: ReadonlyArray<readonly [number, number]>;
  /** Signed calls per case. */
  calls: number;
  progress: Progress;
}

export interface B3Sample {
  run: number;
  client: string;
  skewMs: number;
  requestMs: number;
  responseMs: number;
  /** -1021 answers the exchange gave, all after the guard's first sync (it syncs before the first signed call). */
  timestampErrors: number;
  /** Calls that did not end in 200. */
  failed: number;
  offsetErrorMs: number;
  /** Half the RTT of the sample the clock chose, ms. */
  boundMs: number;
  uncertaintyMs: number;
}

const CALLS: BenchRequest[] = [
  OPEN_ORDERS,
  {
    method: 'POST',
    path: '/api/v3/order/test',
    params: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001' },
    signed: true,
  },
];

async function runCase(
  run: number,
  index: number,
  skewMs: number,
  [requestMs, responseMs]: readonly [number, number],
  calls: number,
): Promise<B3Sample> {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: BENCH_KEY.apiKey, secret: BENCH_KEY.apiSecret, balances: { USDT: '100000' } }],
    skewMs,
    latency: { requestMs, responseMs },
  });
  const guard = new BinanceGuard(ex.url, {});
  const clients = pluginClients();
  const client = clients[index % clients.length]!;
  const send = client.plugin(ex.url, { ...BENCH_KEY, guard });
  let failed = 0;
  try {
    for (let i = 0; i < calls; i++) if ((await send(CALLS[i % CALLS.length]!)) !== 200) failed++;
    const clock = guard.snapshot().clock!;
    const bestRtt = Math.min(...clock.samples.map((s) => s.rttMs));
    return {
      run,
      client: client.name,
      skewMs,
      requestMs,
      responseMs,
      timestampErrors: ex.count({ code: -1021 }),
      failed,
      offsetErrorMs: Math.abs(clock.offsetMs - skewMs),
      boundMs: bestRtt / 2,
      uncertaintyMs: clock.uncertaintyMs,
    };
  } finally {
    guard.close();
    await ex.close();
  }
}

export async function b3Clock(options: B3Options): Promise<BenchResult> {
  const samples: B3Sample[] = [];
  for (let run = 1; run <= options.runs; run++) {
    options.progress.update(`B3 run ${run}/${options.runs}`);
    const cases = options.paths.flatMap((path, p) =>
      options.skewsMs.map((skew, s) => runCase(run, p * options.skewsMs.length + s + run, skew, path, options.calls)),
    );
    const got = await Promise.all(cases);
    samples.push(...got);
    const worst = Math.max(...got.map((g) => g.offsetErrorMs / g.boundMs));
    options.progress.line(
      `B3 run ${run}/${options.runs} ${got.length} cases: -1021 ${got.reduce((a, g) => a + g.timestampErrors, 0)}, worst |offset error| ÷ RTT/2 ${worst.toFixed(2)}`,
    );
  }
  return report(samples, options);
}

const skewLabel = (ms: number) =>
  ms === 0
    ? '0'
    : `${ms > 0 ? '+' : '−'}${Math.abs(ms) >= 60_000 ? `${Math.abs(ms) / 60_000} min` : `${Math.abs(ms) / 1000} s`}`;

function report(samples: B3Sample[], options: B3Options): BenchResult {
  const rows: string[][] = [];
  for (const [requestMs, responseMs] of options.paths) {
    for (const skew of options.skewsMs) {
      const s = samples.filter((x) => x.skewMs === skew && x.requestMs === requestMs && x.responseMs === responseMs);
      rows.push([
        skewLabel(skew),
        `${requestMs} ms → / ← ${responseMs} ms`,
        fmt(summarize(s.map((x) => x.offsetErrorMs)), 1),
        fmt(summarize(s.map((x) => x.boundMs)), 1),
        fmt(summarize(s.map((x) => x.offsetErrorMs / x.boundMs)), 2),
        String(s.reduce((a, x) => a + x.timestampErrors, 0)),
        String(s.reduce((a, x) => a + x.failed, 0)),
      ]);
    }
  }
  const ratios = summarize(samples.map((x) => x.offsetErrorMs / x.boundMs));
  const worstPerRun = summarize(
    [...new Set(samples.map((x) => x.run))].map((run) =>
      Math.max(...samples.filter((x) => x.run === run).map((x) => x.offsetErrorMs / x.boundMs)),
    ),
  );
  const errors = samples.reduce((a, x) => a + x.timestampErrors, 0);
  const expected = options.paths.map(([a, b]) => Math.abs(a - b) / 2);
  return {
    id: 'B3',
    title: 'B3 — clock offset accuracy and -1021 under skew and asymmetric latency',
    description: `${options.runs} runs × ${samples.length / options.runs} cases (${options.skewsMs.length} skews × ${options.paths.length} latency directions), ${options.calls} signed calls per case (openOrders and order/test alternating), each case with a fresh guard (default clock: 3 samples, lowest RTT wins) and one of ${pluginClients()
      .map((c) => c.name)
      .join(
        ', ',
      )} in turn. The true offset is the exchange's skew. With ${options.paths.map(([a, b]) => `${a} ms out / ${b} ms back`).join(' and ')}, the midpoint estimate is off by about ${expected.join(' / ')} ms by construction; the bound is half the chosen sample's RTT.`,
    table: {
      head: [
        'skew',
        'one-way latency',
        '|offset error| ms',
        'RTT/2 bound ms',
        'error ÷ bound',
        '-1021 answers',
        'failed calls',
      ],
      rows,
    },
    targets: [
      {
        id: 'B3',
        name: '-1021 answers after the first sync, all runs and skews',
        target: '0',
        measured: String(errors),
        met: errors === 0,
      },
      {
        id: 'B3',
        name: '|offset error| ÷ RTT/2 bound, worst case of each run',
        target: '≤ 1',
        measured: fmt(worstPerRun, 2),
        met: worstPerRun.max <= 1,
      },
    ],
    chart: [
      { group: 'B3 worst |offset error| ÷ RTT/2', label: 'per run', value: worstPerRun, target: 1, better: 'lower' },
    ],
    notes: [`All ${samples.length} cases: error ÷ bound ${fmt(ratios, 2)}.`],
    raw: samples,
  };
}
