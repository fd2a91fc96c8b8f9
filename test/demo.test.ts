import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { node, root } from './support/repoNode.ts';

/** The lines after a heading of the demo's output, from the first that is not blank up to the next blank one. */
function section(lines: string[], heading: RegExp): string[] {
  let start = lines.findIndex((l) => heading.test(l));
  expect(start, String(heading)).toBeGreaterThanOrEqual(0);
  while (lines[start + 1]?.trim() === '') start++;
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start + 1, end);
}

/** `match` applied to each line, by client name (the first word). */
function byClient(lines: string[], pattern: RegExp): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of lines) {
    const m = pattern.exec(line);
    expect(m, line).not.toBeNull();
    rows.set(m![1]!, m!.slice(2));
  }
  return rows;
}

describe('npm start', () => {
  it('prints a summary whose figures are the sections’ own counts', { timeout: 90_000 }, async () => {
    const { stdout } = await promisify(execFile)(node, ['--conditions=@binance-errors/source', 'scripts/demo.ts'], {
      cwd: root,
      timeout: 80_000,
    });
    // Progress redraws with \r; a log keeps the last state of each line.
    const lines = stdout.split('\n').map((l) => l.slice(l.lastIndexOf('\r') + 1));

    // Section 1 classifies canned responses; it does not claim they came from the fake exchange.
    expect(lines[0]).toMatch(/sections 2 to 4 run against a fake Binance exchange on 127\.0\.0\.1/);
    const table = section(lines, /^ {3}Canned responses/);
    expect(table[0]).toMatch(/^ {2}what happened +request +class/);
    for (const row of table.slice(2)) expect(row).toMatch(/ {2}(GET|POST|DELETE) \/api\/v3\/| {2}WebSocket API /);
    expect(stdout).toContain('the signature is redacted');
    expect(stdout).not.toMatch(/never leaves redacted/);

    const clock = byClient(
      section(lines, /^2\. /),
      /^ {3}(\w+) +signed GET \/api\/v3\/account → (\S+); measured offset (-?\d+) ms; -1021 answers: (\d+)$/,
    );
    const burst = byClient(
      section(lines, /^3\. /),
      /^ {3}(\w+) .* 60\/60 in [\d.]+ s; 429 answers: (\d+); weight per window [\d /]+ of 120 \(full windows: (\d+%)\)$/,
    );
    const storm = byClient(
      section(lines, /^4\. /),
      /^ {3}(\w+) +offered (\d+) during the storm \((\d+) in all\); reached the exchange during the storm (\d+); breaker [a-z →-]+; recovered (.+)$/,
    );

    const summary = section(lines, /^Summary$/);
    expect(summary[0]).toMatch(
      /^\| client +\| skewed clock +\| -1021s +\| burst 429s +\| weight used +\| storm: reached the exchange +\| recovered +\|$/,
    );
    const rows = summary.slice(2).map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
    expect(rows.map((r) => r[0])).toEqual(['axios', 'ky', 'got']);
    for (const [client, ...cells] of rows) {
      const [outcome, offset, answers1021] = clock.get(client!)!;
      const [answers429, used] = burst.get(client!)!;
      const [offeredInStorm, offered, reached, recovered] = storm.get(client!)!;
      expect(Number(offered)).toBeGreaterThan(Number(offeredInStorm));
      // The burst fills each window it spans whole to the guard's 98 %, less what a 5-weight read cannot fill.
      expect(Number.parseInt(used!, 10), client).toBeGreaterThanOrEqual(90);
      expect(cells).toEqual([
        outcome === 'ok' ? `ok, offset ${offset} ms` : outcome,
        answers1021,
        answers429,
        used,
        `${reached} of ${offeredInStorm} offered`,
        recovered,
      ]);
    }
  });
});
