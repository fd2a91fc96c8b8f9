import type { Summary } from './stats.ts';

/** A target from the issue, with what this run measured. */
export interface TargetCheck {
  id: string;
  name: string;
  /** The target as the issue states it, e.g. `≥ 0.95`. */
  target: string;
  /** Median (min–max) as measured. */
  measured: string;
  /** `undefined` when the run could not measure it. */
  met: boolean | undefined;
  /** Why it is not met, or how to read it. */
  note?: string;
}

/** One bar of results.svg: a key ratio beside its target. */
export interface ChartBar {
  group: string;
  label: string;
  value: Summary;
  target: number;
  /** Which side of the target is good. */
  better: 'higher' | 'lower';
  /** Display as a percentage. */
  percent?: boolean;
}

/** What each benchmark hands to the report. */
export interface BenchResult {
  id: string;
  title: string;
  /** How it was measured, in a sentence or three. */
  description: string;
  table: { head: string[]; rows: string[][] };
  targets: TargetCheck[];
  chart: ChartBar[];
  notes?: string[];
  /** Every run's raw figures, for results.json. */
  raw: unknown;
}
