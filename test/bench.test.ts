import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { recoveryText } from '../bench/b4Breaker.ts';
import { node, root } from './support/repoNode.ts';

/** Runs `bench/<script>` from source, as its npm script does, with `env` added to the environment. */
const runBench = (script: string) => (env: Record<string, string>) =>
  promisify(execFile)(node, ['--conditions=@binance-errors/source', `bench/${script}`], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });

describe('npm run bench', () => {
  it('runs every benchmark in quick mode on loopback and writes results.json, results.md and results.svg', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bench-'));
    try {
      const { stdout } = await promisify(execFile)(
        node,
        ['--expose-gc', '--conditions=@binance-errors/source', 'bench/index.ts'],
        { cwd: root, env: { ...process.env, BENCH_QUICK: '1', BENCH_OUT: out }, timeout: 150_000 },
      );
      expect(stdout).toContain('## Targets');

      const json = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
      expect(json.quick).toBe(true);
      expect(json.machine).toMatchObject({
        cores: expect.any(Number),
        node: process.versions.node ? expect.any(String) : '',
      });
      expect(json.results.map((r: { id: string }) => r.id)).toEqual(
        expect.arrayContaining(['B1', 'B2', 'B3', 'B4', 'B5']),
      );
      for (const r of json.results) {
        expect(r.table.rows.length, r.id).toBeGreaterThan(0);
        for (const row of r.table.rows) expect(row, r.id).toHaveLength(r.table.head.length);
        expect(r.raw, r.id).toBeDefined();
        for (const t of r.targets) expect(typeof t.met, `${r.id} ${t.name}`).toBe('boolean');
      }
      const b1 = json.results.find((r: { id: string }) => r.id === 'B1');
      expect(b1.table.rows.map((row: string[]) => row[0])).toEqual(expect.arrayContaining(['axios']));
      // Nothing may fail on the way: every B1 answer was a 200.
      expect(b1.raw.samples.every((s: { non200: number }) => s.non200 === 0)).toBe(true);
      // GC pauses are counted per chunk: never negative, never more than the time the chunk took.
      for (const s of b1.raw.samples as Array<{ gcUsPerRequest: number; reqPerS: number }>) {
        expect(s.gcUsPerRequest).toBeGreaterThanOrEqual(0);
        expect(s.gcUsPerRequest).toBeLessThan(1e6 / s.reqPerS);
      }
      // The open-loop phase measures every client below saturation, and its note says what it found.
      expect(b1.raw.openLoop.map((o: { client: string }) => o.client)).toEqual(
        b1.table.rows.map((row: string[]) => (row[0]!.startsWith('fetch') ? 'fetch' : row[0])),
      );
      for (const o of b1.raw.openLoop) {
        expect(o.bareP50Ms, o.client).toBeGreaterThan(0);
        expect(o.bareP90Ms, o.client).toBeGreaterThanOrEqual(o.bareP50Ms);
        expect(o.bareP99Ms, o.client).toBeGreaterThanOrEqual(o.bareP90Ms);
        expect(o.pluginP99Ms, o.client).toBeGreaterThanOrEqual(o.pluginP50Ms);
      }
      expect(b1.notes.join('\n')).toMatch(/Open loop, below saturation: .*axios p50 [\d.]+ → [\d.]+ ms/);
      // Allocation is sampled for every client and variant: a request allocates kilobytes, bare or not.
      for (const h of b1.raw.heap) {
        expect(h.bareAllocBytes, h.client).toBeGreaterThan(1000);
        expect(h.pluginAllocBytes, h.client).toBeGreaterThan(1000);
        // And what outlives a scavenge: some of every client's request objects do (its sockets' buffers, at least).
        expect(h.bareSurvivedBytes, h.client).toBeGreaterThan(0);
        expect(h.pluginSurvivedBytes, h.client).toBeGreaterThan(0);
      }

      // B4 names its reset timeout rather than calling a shortened one "defaults", and says by how much recovery
      // stayed inside (or went past) its limit instead of printing a negative difference.
      const b4 = json.results.find((r: { id: string }) => r.id === 'B4');
      const recovery = b4.targets.filter((t: { name: string }) => t.name.startsWith('time to recover'));
      expect(recovery.length).toBeGreaterThan(0);
      for (const t of b4.targets) expect(t.name).not.toMatch(/defaults/);
      for (const t of recovery) {
        expect(t.name).toMatch(/, [\d,]+ ms reset$/);
        expect(t.measured).toMatch(/; [\d,]+ ms (inside the limit|past it)/);
        expect(t.measured).not.toMatch(/(^|[\s(–])-\d/);
      }

      const md = await readFile(join(out, 'results.md'), 'utf8');
      expect(md).toMatch(/^# Benchmark results\n\nMeasured \d{4}-\d\d-\d\d/);
      for (const r of json.results) expect(md).toContain(`## ${r.title}`);

      const svg = await readFile(join(out, 'results.svg'), 'utf8');
      expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
      expect(svg.match(/<rect /g)?.length).toBeGreaterThan(5);
      // Right-aligned labels end at the bars: the longest must still start inside the picture.
      const longest = Math.max(
        ...json.results.flatMap((r: { chart: { label: string }[] }) => r.chart.map((b) => b.label.length)),
      );
      const labelEnd = Number(/<text x="(\d+)" y="\d+" text-anchor="end">/.exec(svg)?.[1]);
      expect(labelEnd - longest * 7).toBeGreaterThan(0);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 180_000);

  it('refuses a quick switch with a typo rather than starting the full run', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bench-'));
    try {
      const run = runBench('index.ts')({ BENCH_QUICK: 'true', BENCH_OUT: out });
      await expect(run).rejects.toMatchObject({ stderr: 'BENCH_QUICK must be 1 (or 0), got "true"\n' });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('refuses a benchmark it does not know rather than running none', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bench-'));
    try {
      const run = runBench('index.ts')({ BENCH_QUICK: '1', BENCH_ONLY: 'B1,B7', BENCH_OUT: out });
      await expect(run).rejects.toMatchObject({
        stderr: 'BENCH_ONLY must name some of B1, B2, B2M, B3, B4, B5, B6, got "B1,B7"\n',
      });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('npm run bench:breakdown', () => {
  const run = runBench('breakdown.ts');

  it("compares each part of the plugin pair by pair and prints one row per comparison, its exchange's answers all 200s", async () => {
    // Signed requests: signed by hand on bare fetch and by the guard, the exchange answers 200 to every one or it fails.
    const { stdout, stderr } = await run({
      BREAKDOWN_ONLY: 'fetch',
      BREAKDOWN_PAIRS: '2',
      BREAKDOWN_CHUNK: '64',
      BREAKDOWN_REQUEST: 'signed',
    });
    expect(stdout).toMatch(/^## What each part of the plugin adds: CPU per signed request$/m);
    const rows = stdout
      .split('\n')
      .filter((line) => line.startsWith('| fetch'))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    expect(rows.map((r) => r[1])).toEqual([
      'fetch: bare → bare (the instrument’s own noise)',
      'fetch: bare → fetch + guard',
      'fetch: bare → guard with throttle, clock and breaker off',
      'fetch + guard: throttle off → on',
      'fetch + guard: clock off → on',
      'fetch + guard: breaker off → on',
    ]);
    for (const r of rows) {
      // Not necessarily positive here: pauses are wall-clock time, and under the suite's load a pause can outlast the
      // CPU of a 64-request chunk.
      expect(Number.isFinite(Number(r[2]!.replaceAll(',', ''))), r[1]).toBe(true);
      expect(r[3], r[1]).toMatch(/^-?[\d,]+\.\d ± [\d,]+\.\d$/);
      expect(r[5], r[1]).toBe('2');
    }
    // Progress goes to stderr, one line per comparison.
    expect(stderr).toMatch(/\[6\/6\] fetch \+ guard: breaker off → on: -?[\d,.]+ ± [\d,.]+ µs/);
  }, 60_000);

  it('names a client or a request it does not know instead of running nothing', async () => {
    await expect(run({ BREAKDOWN_ONLY: 'fetch,axois' })).rejects.toThrow(
      /BREAKDOWN_ONLY must name some of fetch, axios, ky, got, got "fetch,axois"/,
    );
    await expect(run({ BREAKDOWN_REQUEST: 'signd' })).rejects.toThrow(
      /BREAKDOWN_REQUEST must be ticker or signed, got "signd"/,
    );
  });
});

describe('npm run bench:ab', () => {
  const run = runBench('ab.ts');

  it("runs the working tree's plugin against a git revision's, each copied with its own core, one row per client", async () => {
    const { stdout, stderr } = await run({ AB_ONLY: 'fetch,got', AB_PAIRS: '2', AB_CHUNK: '64' });
    const rows = stdout
      .split('\n')
      .filter((line) => /^\| (fetch|got) /.test(line))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    expect(rows.map((r) => r[1])).toEqual(['fetch', 'got']);
    for (const r of rows) {
      expect(Number(r[2]!.replaceAll(',', '')), r[1]).toBeGreaterThan(0);
      expect(r[3], r[1]).toMatch(/^-?[\d,]+\.\d ± [\d,]+\.\d$/);
      expect(r[5], r[1]).toBe('2');
      expect(r[6], r[1]).toMatch(/^[+-][\d,]+\.\d %$/);
    }
    expect(stdout).toMatch(/^got +[ █]*\|[ █]* -?[\d,]+\.\d$/m);
    // One pair in a process that warms the base first, one in a process that warms the working tree first, pooled.
    expect(stderr).toMatch(/\[2\/2\] got, base warmed first: -?[\d,.]+ ± [\d,.]+ µs/);
    expect(stderr).toMatch(/\[2\/2\] got, tree warmed first: -?[\d,.]+ ± [\d,.]+ µs/);
    expect(stderr).toMatch(/got, both halves: -?[\d,.]+ ± [\d,.]+ µs/);
    // The base is the revision's own code: its adapters import its core, not the workspace's.
    const commit = stdout.match(/^## HEAD \(([0-9a-f]{7})\) .* per ticker request/m)![1]!;
    const [dir] = (await readdir(join(root, '.bench-base'))).filter(
      (d) => d.startsWith(commit) && !d.endsWith('.partial'),
    );
    const gotIndex = await readFile(join(root, '.bench-base', dir!, 'packages/got/src/index.ts'), 'utf8');
    expect(gotIndex).toContain("from '../../core/src/index.ts'");
    expect(gotIndex).not.toContain('@binance-errors/core');
    // The working tree's side is a copy too, loaded as the revision's is: the workspace's file as it is now.
    const treeIndex = await readFile(join(root, '.bench-base/working-tree/packages/got/src/index.ts'), 'utf8');
    const workspaceIndex = await readFile(join(root, 'packages/got/src/index.ts'), 'utf8');
    expect(treeIndex).toBe(workspaceIndex.replaceAll("'@binance-errors/core'", "'../../core/src/index.ts'"));
  }, 60_000);

  it('names a revision, a client or a request it does not know instead of running', async () => {
    await expect(run({ AB_BASE: 'no-such-revision' })).rejects.toThrow(
      /AB_BASE must name a commit of this repository, got "no-such-revision"/,
    );
    await expect(run({ AB_ONLY: 'fetch,axois' })).rejects.toThrow(/AB_ONLY must name some of fetch, axios, ky, got/);
    await expect(run({ AB_REQUEST: 'openOrders' })).rejects.toThrow(
      /AB_REQUEST must be ticker or signed, got "openOrders"/,
    );
  });
});

describe('npm run bench:cold', () => {
  const run = runBench('cold.ts');

  it('times every variant at every sweep size, pairs each with bare, and charts what the guard adds', async () => {
    const { stdout, stderr } = await run({ COLD_MB: '0,1', COLD_ROUNDS: '40' });
    const rows = stdout
      .split('\n')
      .filter((line) => /^\| (bare|guard)/.test(line))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    expect(rows.map((r) => `${r[2]} ${r[1]}`)).toEqual(
      ['0', '1'].flatMap((mb) =>
        [
          'bare',
          'guard, throttle, clock and breaker off',
          'guard, throttle only',
          'guard',
          "guard again (the harness's own error)",
        ].map((v) => `${mb} ${v}`),
      ),
    );
    for (const r of rows) {
      expect(Number(r[3]!.replaceAll(',', '')), r[1]).toBeGreaterThan(0);
      // Bare is the reference: no difference from itself is printed.
      if (r[1] === 'bare') expect(r[4]).toBe('');
      else expect(r[5], r[1]).toMatch(/^-?[\d,]+\.\d to -?[\d,]+\.\d$/);
    }
    expect(stdout).toMatch(/^1 MiB, guard +█* -?[\d,]+\.\d$/m);
    expect(stderr).toMatch(/\[2\/2\] 1 MiB swept: guard, throttle, clock and breaker off [+-]/);
  }, 60_000);

  it('names a bad sweep size instead of running with it', async () => {
    await expect(run({ COLD_MB: '0,lots' })).rejects.toThrow(
      /COLD_MB must be a list of sizes in MiB from 0 to 1024, got "0,lots"/,
    );
    await expect(run({ COLD_ROUNDS: '2.5' })).rejects.toThrow(/COLD_ROUNDS must be a positive whole number, got "2.5"/);
  });
});

describe('npm run bench:alloc', () => {
  const run = runBench('allocations.ts');

  it("samples each client bare and with its plugin, and names the plugin's own functions", async () => {
    const { stdout, stderr } = await run({
      ALLOC_CLIENTS: 'fetch,ky',
      ALLOC_REQUESTS: '300',
      ALLOC_WARMUP: '100',
      ALLOC_TOP: '40',
    });
    const numberIn = (cell: string) => Number(cell.replaceAll(',', ''));
    const totals = stdout
      .split('\n')
      .filter((line) => /^\| (fetch|ky) \|/.test(line))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    expect(totals.map((r) => r[1])).toEqual(['fetch', 'ky']);
    for (const [, , bare, plugin, added] of totals) {
      expect(numberIn(bare!)).toBeGreaterThan(1000);
      // The plugin's work allocates: its descriptions, permits and promises come on top of the client's.
      expect(numberIn(plugin!)).toBeGreaterThan(numberIn(bare!));
      expect(Math.abs(numberIn(added!) - (numberIn(plugin!) - numberIn(bare!)))).toBeLessThanOrEqual(1);
    }
    const [, fetch, ky] = stdout.split(/^### /m);
    expect(fetch).toMatch(/^fetch \+ BinanceGuard against bare fetch/);
    expect(fetch).toMatch(/^\| \S+ \(core\/guard\/BinanceGuard\.ts:\d+\) \| \+[\d,]+ \|$/m);
    expect(ky).toMatch(/^\| \S+ \(ky\/index\.ts:\d+\) \| \+[\d,]+ \|$/m);
    expect(stderr).toContain('ky, with the plugin: sampled (4/4)');
  }, 60_000);

  it('names a client it does not know instead of leaving it out', async () => {
    await expect(run({ ALLOC_CLIENTS: 'fetch,kyy' })).rejects.toThrow(
      /ALLOC_CLIENTS must name some of fetch, axios, ky, got, got "fetch,kyy"/,
    );
  });
});

describe('recoveryText', () => {
  const at = (median: number) => ({ median, min: median, max: median, runs: 1 });
  it('states the margin without a sign, whichever side of the limit and however close', () => {
    expect(recoveryText(at(33), at(-1968))).toBe('33 ms; 1,968 ms inside the limit');
    expect(recoveryText(at(301), at(0))).toBe('301 ms; 0 ms inside the limit');
    expect(recoveryText(at(301), at(-0.4))).toBe('301 ms; 0 ms inside the limit');
    expect(recoveryText(at(420), at(120))).toBe('420 ms; 120 ms past it');
  });
});
