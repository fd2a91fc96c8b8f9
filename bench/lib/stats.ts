/** The spread of one figure over several runs. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Median and min–max of `values` (the lower middle for an even count, so it is always a measured value). */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor((sorted.length - 1) / 2)]!,
    min: sorted[0]!,
    max: sorted.at(-1)!,
    runs: sorted.length,
  };
}

/** The arithmetic mean of `values` (NaN for none). */
export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The `p` quantile (0..1) of already sorted values, nearest rank. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))]!;
}

/** `median (min–max)` with `digits` decimals and an optional unit. */
export function fmt(s: Summary, digits = 2, unit = ''): string {
  if (s.runs === 0) return 'n/a';
  const n = (x: number) => num(x, digits);
  return s.runs === 1 || s.min === s.max ? `${n(s.median)}${unit}` : `${n(s.median)}${unit} (${n(s.min)}–${n(s.max)})`;
}

/**
 * Decimals to show `value` with beside its target `limit`: `digits`, or more while rounding would make it read as
 * the limit itself (0.9496 against ≥ 0.95 shows as 0.9496, not as "0.950 … not met"). At most 6.
 */
export function digitsAgainst(value: number, limit: number, digits: number): number {
  let d = digits;
  while (d < 6 && Math.abs(value - limit) > 1e-9 && value.toFixed(d) === limit.toFixed(d)) d++;
  return d;
}

/** A fraction's `median (min–max)` as percentages with `digits` decimals: `97.9 % (97.8–98.0)`. */
export function pct(s: Summary, digits = 1): string {
  return fmt({ ...s, median: s.median * 100, min: s.min * 100, max: s.max * 100 }, digits, ' %');
}

/** A number with thousands separators and `digits` decimals. */
export function num(x: number, digits = 0): string {
  if (!Number.isFinite(x)) return String(x);
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A small seeded PRNG (mulberry32), so every run offers the same workload. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
