import type { ChartBar } from './BenchResult.ts';
import type { MachineInfo } from './machine.ts';

// Average advance of a 13 px system-ui character, with room to spare (digits and capitals run wider than letters).
const CHAR_W = 7.2;
const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * bench/results.svg: one horizontal bar per key ratio (median, with a min–max whisker) and a dashed line at its
 * target; green when the median meets it, red when not. Each group has its own scale.
 */
export function resultsSvg(bars: readonly ChartBar[], machine: MachineInfo): string {
  // Labels are right-aligned against the bars: the column is as wide as the longest, or it is cut at the left edge.
  const labelW = 16 + Math.ceil(Math.max(0, ...bars.map((b) => b.label.length)) * CHAR_W);
  const barW = 430;
  const width = labelW + barW + 90;
  const rowH = 22;
  const groupH = 30;
  const groups = [...new Set(bars.map((b) => b.group))];
  let y = 44;
  const parts: string[] = [];
  for (const group of groups) {
    const inGroup = bars.filter((b) => b.group === group);
    const first = inGroup[0]!;
    const scaleMax = Math.max(first.target, ...inGroup.map((b) => b.value.max)) * 1.1 || 1;
    const x = (v: number) => labelW + (Math.max(0, v) / scaleMax) * barW;
    const show = (v: number) => (first.percent ? `${(v * 100).toFixed(1)}%` : v.toFixed(v >= 10 ? 1 : 2));
    const op = first.better === 'higher' ? '≥' : '≤';
    parts.push(
      `<text x="8" y="${y + 18}" font-weight="bold">${esc(group)} (target ${op} ${show(first.target)})</text>`,
    );
    y += groupH;
    const top = y;
    for (const b of inGroup) {
      const met = b.better === 'higher' ? b.value.median >= b.target : b.value.median <= b.target;
      const colour = met ? '#2e7d32' : '#c62828';
      parts.push(`<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text>`);
      parts.push(
        `<rect x="${labelW}" y="${y + 4}" width="${(x(b.value.median) - labelW).toFixed(1)}" height="${rowH - 8}" fill="${colour}" opacity="0.85"/>`,
      );
      if (b.value.min !== b.value.max) {
        const cy = y + rowH / 2;
        parts.push(
          `<path d="M${x(b.value.min).toFixed(1)} ${cy}H${x(b.value.max).toFixed(1)}M${x(b.value.min).toFixed(1)} ${cy - 4}v8M${x(b.value.max).toFixed(1)} ${cy - 4}v8" stroke="#222" fill="none"/>`,
        );
      }
      parts.push(`<text x="${labelW + barW + 12}" y="${y + 15}">${show(b.value.median)}${met ? '' : ' ✗'}</text>`);
      y += rowH;
    }
    const tx = x(first.target).toFixed(1);
    parts.push(`<path d="M${tx} ${top - 2}V${y + 2}" stroke="#1565c0" stroke-width="2" stroke-dasharray="4 3"/>`);
    y += 8;
  }
  const height = y + 28;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#fff"/>
<text x="8" y="24" font-size="16" font-weight="bold">binance-errors benchmarks: key ratios vs targets</text>
${parts.join('\n')}
<text x="8" y="${height - 10}" fill="#555" font-size="11">${esc(`Bars: median of the runs; whiskers: min–max; dashed line: target. ${machine.date.slice(0, 10)}, ${machine.cpu} × ${machine.cores}, Node ${machine.node}.`)}</text>
</svg>
`;
}
