import { measureChunk, turn } from '../b1Overhead.ts';
import { type BenchRequest, OPEN_ORDERS, type Send, TICKER } from './clients.ts';
import { refuse } from './env.ts';
import type { GcPauses } from './gc.ts';
import type { Progress } from './progress.ts';
import { num, quantile } from './stats.ts';

/** Requests in flight at once, as in B1's saturation runs. */
const CONCURRENCY = 32;

/** What every request of a paired run may be: B1's unsigned ticker, or its signed request (`openOrders`). */
const PAIR_REQUESTS = { ticker: TICKER, signed: OPEN_ORDERS } as const;

/**
 * The chunk a paired run sends, from `process.env[name]`: `ticker` (the default: B1's most common request) or
 * `signed`, each `length` times. A signed chunk is stamped and signed by the plugin, and by hand on a bare client.
 */
export function pairChunkFromEnv(name: string, length: number): { kind: string; requests: readonly BenchRequest[] } {
  const kind = process.env[name] || 'ticker';
  if (!Object.hasOwn(PAIR_REQUESTS, kind)) {
    refuse(`${name} must be ${Object.keys(PAIR_REQUESTS).join(' or ')}, got ${JSON.stringify(kind)}`);
  }
  const request = PAIR_REQUESTS[kind as keyof typeof PAIR_REQUESTS];
  return { kind, requests: Array.from({ length }, () => request) };
}

/** Two sends compared pair by pair: what `to` adds over `from`, µs of the main thread's CPU per request. */
export interface PairedCpu {
  /** The `from` side's own CPU per request, median over the pairs. */
  fromCpuUs: number;
  addedUs: number;
  /** Half the width of the median's 95 % interval (1.58 × IQR ÷ √pairs, as a box plot's notch). */
  plusMinusUs: number;
  q25: number;
  q75: number;
  pairs: number;
  /** Every pair's difference, and its `from` side's CPU, ascending: runs in other processes pool these. */
  diffs: number[];
  fromCpus: number[];
}

/** How {@link pairedCpu} runs: the chunk it sends, how many pairs, and where its progress goes. */
export interface PairsRun {
  requests: readonly BenchRequest[];
  pairs: number;
  gc: GcPauses;
  progress: Progress;
  /** What the progress lines name, e.g. `[2/4] got`. */
  label: string;
  /**
   * Whether `to` warms up first rather than `from`. The side that runs first reads cheaper when both run the same
   * functions (two builds of one plugin): call sites they share are fastest for what they saw first.
   */
  warmToFirst?: boolean;
}

/**
 * Runs `from` and `to` in alternating chunks of `requests` (each goes first every other pair, as B1's bare and plugin
 * turns do), after three chunks of each to warm up, and returns the pairs' differences. A chunk's CPU leaves out its
 * collection pauses (wall-clock time, which on a busy machine can outlast the CPU it overlaps: run on a quiet one).
 * Progress goes to `progress`, and a line with the result when the pairs are done.
 */
export async function pairedCpu(
  from: Send,
  to: Send,
  { requests, pairs, gc, progress, label, warmToFirst = false }: PairsRun,
): Promise<PairedCpu> {
  const cpuPerRequest = async (send: Send): Promise<number> => {
    const measured = await measureChunk(send, requests, CONCURRENCY, gc);
    if (measured.non200 > 0) throw new Error(`the exchange answered ${measured.non200} requests with other than 200`);
    return (measured.cpuUs - measured.gcMs * 1000) / requests.length;
  };
  for (let i = 0; i < 3; i++) {
    for (const send of warmToFirst ? [to, from] : [from, to]) await cpuPerRequest(send);
  }
  const sends = { bare: from, plugin: to };
  const diffs: number[] = [];
  const fromCpu: number[] = [];
  const started = performance.now();
  const stop = progress.ticking(() => {
    const left = ((performance.now() - started) / Math.max(1, diffs.length)) * (pairs - diffs.length);
    return `${label}: pair ${diffs.length}/${pairs}, ${Math.ceil(left / 1000)} s left`;
  });
  try {
    for (let k = 0; k < pairs; k++) {
      const cpu = { bare: 0, plugin: 0 };
      for (const side of turn(k)) cpu[side] = await cpuPerRequest(sends[side]);
      diffs.push(cpu.plugin - cpu.bare);
      fromCpu.push(cpu.bare);
    }
  } finally {
    stop();
  }
  const paired = pairedOf(diffs, fromCpu);
  progress.line(`${label}: ${num(paired.addedUs, 1)} ± ${num(paired.plusMinusUs, 1)} µs`);
  return paired;
}

/** The figures of a paired comparison from its pairs' differences and their `from` sides' CPU, in any order. */
export function pairedOf(differences: readonly number[], fromCpus: readonly number[]): PairedCpu {
  const diffs = [...differences].sort((x, y) => x - y);
  const froms = [...fromCpus].sort((x, y) => x - y);
  const q25 = quantile(diffs, 0.25);
  const q75 = quantile(diffs, 0.75);
  return {
    fromCpuUs: quantile(froms, 0.5),
    addedUs: quantile(diffs, 0.5),
    plusMinusUs: (1.58 * (q75 - q25)) / Math.sqrt(diffs.length),
    q25,
    q75,
    pairs: diffs.length,
    diffs,
    fromCpus: froms,
  };
}

/** A result's cells in a report's table: the `from` side's CPU, what `to` adds (± its interval), quartiles, pairs. */
export function pairedCells(r: PairedCpu): string[] {
  return [
    num(r.fromCpuUs, 0),
    `${num(r.addedUs, 1)} ± ${num(r.plusMinusUs, 1)}`,
    `${num(r.q25, 1)} – ${num(r.q75, 1)}`,
    String(r.pairs),
  ];
}
