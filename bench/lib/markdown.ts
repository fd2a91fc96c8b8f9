import type { BenchResult } from './BenchResult.ts';
import { describeMachine, type MachineInfo } from './machine.ts';

/** A markdown table; cells may not contain `|`. */
export function mdTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  align: 'numbers' | 'left' = 'numbers',
): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  const rule = head.map((_, i) => (i === 0 || align === 'left' ? '---' : '---:')).join('|');
  return [line(head), `|${rule}|`, ...rows.map(line)].join('\n');
}

/** The targets table alone: what the README shows. */
export function targetsTable(results: readonly BenchResult[]): string {
  const rows = results.flatMap((r) =>
    r.targets.map((t) => [
      t.id,
      t.name,
      t.target,
      t.measured,
      t.met === undefined ? 'not measured' : t.met ? 'met' : '**not met**',
    ]),
  );
  return mdTable(['', 'figure', 'target', 'measured: median (min–max)', ''], rows, 'left');
}

/** bench/results.md: the date, the machine, the targets, then every benchmark's table with its method. */
export function resultsMarkdown(
  results: readonly BenchResult[],
  machine: MachineInfo,
  meta: { quick: boolean; durationS: number; skipped: readonly string[] },
): string {
  const out: string[] = [];
  out.push(`# Benchmark results\n`);
  out.push(
    `Measured ${machine.date.slice(0, 10)} (${machine.date}) on ${describeMachine(machine)}. ` +
      `\`npm run bench\`${meta.quick ? ' in quick mode (BENCH_QUICK=1: too few runs to quote)' : ''} took ${Math.round(meta.durationS)} s. ` +
      'Every figure is the median over the runs, with the min–max across runs in brackets; baselines ran side by side ' +
      'in the same runs. Everything ran on loopback against `@binance-errors/testing`.\n',
  );
  out.push('![key ratios beside their targets](./results.svg)\n');
  out.push('## Targets\n');
  out.push(`${targetsTable(results)}\n`);
  const notes = results.flatMap((r) =>
    r.targets.filter((t) => t.note).map((t) => `- **${t.id} ${t.name}**: ${t.note}`),
  );
  if (notes.length) out.push(`${notes.join('\n')}\n`);
  for (const s of meta.skipped) out.push(`- ${s}\n`);
  for (const r of results) {
    out.push(`## ${r.title}\n`);
    out.push(`${r.description}\n`);
    out.push(`${mdTable(r.table.head, r.table.rows)}\n`);
    for (const n of r.notes ?? []) out.push(`- ${n}`);
    if (r.notes?.length) out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
