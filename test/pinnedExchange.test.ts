import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { node, root } from './support/repoNode.ts';

// Run in a process of its own, as the benchmarks run it: the pinning applies to the process that starts it.
const probe = `
import { spawnSync } from 'node:child_process';
import { startPinnedExchange } from './bench/lib/pinnedExchange.ts';
const cores = () => spawnSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' }).stdout?.trim();
const before = cores();
const exchange = await startPinnedExchange();
const during = cores();
const ping = (await fetch(exchange.url + '/api/v3/ping')).status;
await exchange.close();
const after = cores();
const answered = await fetch(exchange.url + '/api/v3/ping').then(() => true, () => false);
console.log(JSON.stringify({ pinned: exchange.pinned, before, during, after, ping, answered }));
process.exit(0);
`;

describe("B1's exchange in a process of its own", () => {
  it('serves on loopback, pins the measured thread while it runs, and gives the cores back when closed', async () => {
    const { stdout } = await promisify(execFile)(
      node,
      ['--conditions=@binance-errors/source', '--input-type=module', '-e', probe],
      { cwd: root, timeout: 20_000 },
    );
    const seen = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(seen.ping).toBe(200);
    expect(seen.answered).toBe(false);
    expect(seen.after).toBe(seen.before);
    if (seen.pinned) expect(seen.during).toMatch(/: 0$/);
    else expect(seen.during).toBe(seen.before);
  });
});
