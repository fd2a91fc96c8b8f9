/**
 * The working tree's plugins against a git revision's, in one process: what a change does to each client's CPU per
 * request, to within 2–3 µs, before it is committed. B1's runs spread too widely across runs to show a change of a
 * few µs, and two runs on either side of a change meet different hours of the machine; here both builds take turns,
 * chunk by chunk, against the same exchange (`bench:breakdown`'s pairs: the same instrument, two builds in place of
 * two options).
 *
 * The revision's packages (core, axios, ky, got) are exported once into `.bench-base/<commit>/` (ignored by git), and
 * the working tree's into `.bench-base/working-tree/` on every run, each copy's adapters importing its own core. Each
 * side gets a guard of its own build with B1's options; every request is an unsigned `GET /api/v3/ticker/price`
 * (`AB_REQUEST=signed`: B1's signed `openOrders`), 32 at a time. Half the pairs run in a process that warms the base
 * up first and half in one that warms the working tree first, and are pooled: whichever build warms up first reads
 * 3–5 µs cheaper, and one process alone would lean that way.
 *
 *   npm run bench:ab                                  # uncommitted changes against HEAD
 *   AB_BASE=HEAD~3 AB_ONLY=got,ky AB_PAIRS=400 npm run bench:ab
 *   AB_REQUEST=signed AB_ONLY=got npm run bench:ab
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as core from '@binance-errors/core';
import { driversOf, type Plugins } from '../test/conformance/drivers.ts';
import { GUARD_OPTIONS } from './b1Overhead.ts';
import { BENCH_KEY, fetchWithGuard, pluginSend, type Send } from './lib/clients.ts';
import { namesFromEnv, positiveFromEnv, refuse } from './lib/env.ts';
import { GcPauses } from './lib/gc.ts';
import { mdTable } from './lib/markdown.ts';
import { type PairedCpu, pairChunkFromEnv, pairedCells, pairedCpu, pairedOf } from './lib/pairs.ts';
import { startPinnedExchange } from './lib/pinnedExchange.ts';
import { Progress } from './lib/progress.ts';
import { num } from './lib/stats.ts';

const CLIENTS = ['fetch', 'axios', 'ky', 'got'] as const;
type ClientName = (typeof CLIENTS)[number];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const base = process.env.AB_BASE || 'HEAD';
const only = namesFromEnv('AB_ONLY', CLIENTS);
const pairs = positiveFromEnv('AB_PAIRS', 300);
const chunk = positiveFromEnv('AB_CHUNK', 1000);
const { kind, requests } = pairChunkFromEnv('AB_REQUEST', chunk);

let commit: string;
try {
  commit = execFileSync('git', ['rev-parse', '--verify', `${base}^{commit}`], { cwd: root, encoding: 'utf8' }).trim();
} catch {
  refuse(`AB_BASE must name a commit of this repository, got ${JSON.stringify(base)}`);
}

/** What the exported revision is made of: each package's sources, and core's data and manifest, which it imports. */
const EXPORTED = ['packages/core/src', 'packages/core/data', 'packages/core/package.json'];
const ADAPTERS = ['axios', 'ky', 'got'] as const;

const PATHS = [...EXPORTED, ...ADAPTERS.map((a) => `packages/${a}/src`)];

/** Where the two copies are: the revision's, kept per commit, and the working tree's, made afresh by each run. */
const BASE_DIR = join(root, '.bench-base', commit);
const TREE_DIR = join(root, '.bench-base', 'working-tree');

/** {@link BASE_DIR}, exported from git on first use (see {@link exported}). */
function exportBase(): void {
  if (existsSync(BASE_DIR)) return;
  exported(BASE_DIR, (into) => {
    const archive = execFileSync('git', ['archive', '--format=tar', commit, ...PATHS], {
      cwd: root,
      maxBuffer: 256 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', into], { input: archive });
  });
}

/**
 * {@link TREE_DIR}, copied afresh on every run, uncommitted changes included, before either half starts: both halves
 * measure the same tree, whatever is edited while they run. The working tree's plugins are loaded from a copy made
 * as the revision's is, rather than from the workspace's packages the bench itself imports. Loaded from those, got's
 * side read 4.0–6.5 µs a request slower than the same code exported (three runs on an unchanged tree); loaded as
 * copies, 1.0–3.5. What was left followed the warm-up order, not the code (warmed the other way round, ky read −2.7
 * and got −4.9), which the two halves now cancel.
 */
function exportTree(): void {
  rmSync(TREE_DIR, { recursive: true, force: true });
  exported(TREE_DIR, (into) => {
    for (const path of PATHS) cpSync(join(root, path), join(into, path), { recursive: true });
  });
}

/**
 * `dir` filled by `write` with the packages' sources, then without their tests and with the adapters importing that
 * copy's own core rather than the workspace's. Written beside and renamed into place, so an interrupted export is
 * never taken for a whole one.
 */
function exported(dir: string, write: (into: string) => void): void {
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  write(partial);
  for (const adapter of ADAPTERS) {
    const src = join(partial, 'packages', adapter, 'src');
    const core = relative(src, join(partial, 'packages/core/src/index.ts'));
    for (const file of readdirSync(src)) {
      const path = join(src, file);
      if (/\.test(-d)?\.ts$/.test(file)) rmSync(path);
      else if (file.endsWith('.ts')) {
        writeFileSync(path, readFileSync(path, 'utf8').replaceAll("'@binance-errors/core'", `'${core}'`));
      }
    }
  }
  renameSync(partial, dir);
}

/** One side of the comparison: a build's `BinanceGuard`, its core's `createPlugin` and its adapters. */
interface Build {
  BinanceGuard: typeof core.BinanceGuard;
  createPlugin: typeof core.createPlugin;
  plugins: Plugins;
}

async function loadBuild(dir: string): Promise<Build> {
  const load = (path: string) => import(pathToFileURL(join(dir, 'packages', path, 'src/index.ts')).href);
  const [core, axios, ky, got] = await Promise.all(['core', ...ADAPTERS].map(load));
  return {
    BinanceGuard: core.BinanceGuard,
    createPlugin: core.createPlugin,
    plugins: { axios: axios.binanceErrors, ky: ky.binanceErrors, got: got.binanceErrors },
  };
}

const progress = new Progress();
type Row = PairedCpu & { client: ClientName };

/**
 * One half of the pairs, in this process (`AB_WARM` names the build that warms up first), on the copies the process
 * that started it exported: each client's pairs, written to stdout as one line of JSON for that process.
 */
async function measureHalf(warm: 'base' | 'tree'): Promise<void> {
  const builds = { base: await loadBuild(BASE_DIR), tree: await loadBuild(TREE_DIR) };
  const exchange = await startPinnedExchange();
  const { url, pinned } = exchange;
  const gc = new GcPauses();
  const guards: { close(): void }[] = [];
  /** `client` with the plugin of `build`, on a guard of that build with B1's options. */
  const sendOf = (build: Build, client: ClientName): Send => {
    const guard = new build.BinanceGuard(url, GUARD_OPTIONS);
    guards.push(guard);
    const options = { ...BENCH_KEY, guard };
    if (client === 'fetch') return fetchWithGuard(build.createPlugin, url, options);
    return pluginSend(driversOf(build.plugins)[client], url, options);
  };
  const rows: Row[] = [];
  try {
    progress.line(
      `${only.length} clients × ${pairs} pairs of ${chunk}-request chunks (${kind}), ${warm} warmed first${pinned ? ', exchange and client pinned to cores 1 and 0' : ''}`,
    );
    for (const [i, client] of only.entries()) {
      // The base takes B1's bare turn, the working tree its plugin turn: the difference is what the change adds.
      const paired = await pairedCpu(sendOf(builds.base, client), sendOf(builds.tree, client), {
        requests,
        pairs,
        gc,
        progress,
        label: `[${i + 1}/${only.length}] ${client}, ${warm} warmed first`,
        warmToFirst: warm === 'tree',
      });
      rows.push({ client, ...paired });
    }
  } finally {
    for (const guard of guards) guard.close();
    gc.close();
    await exchange.close();
  }
  process.stdout.write(`${JSON.stringify(rows)}\n`);
}

/**
 * Both halves, each in a process of its own, one with the base warmed first and one with the working tree: the side
 * warmed first reads a few µs cheaper (see {@link PairsRun.warmToFirst}), so each half leans one way, and pooling their
 * pairs cancels that lean.
 */
async function bothHalves(): Promise<Row[]> {
  const halves: Row[][] = [];
  for (const [warm, n] of [
    ['base', Math.ceil(pairs / 2)],
    ['tree', Math.floor(pairs / 2)],
  ] as const) {
    if (n > 0) halves.push(await half(warm, n));
  }
  return only.map((client) => {
    const of = halves.map((rows) => rows.find((r) => r.client === client)!);
    const pooled = pairedOf(
      of.flatMap((r) => r.diffs),
      of.flatMap((r) => r.fromCpus),
    );
    progress.line(`${client}, both halves: ${num(pooled.addedUs, 1)} ± ${num(pooled.plusMinusUs, 1)} µs`);
    return { client, ...pooled };
  });
}

/** One half's rows, from this script run again with `AB_WARM` (its progress goes to this process's stderr). */
function half(warm: 'base' | 'tree', n: number): Promise<Row[]> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, AB_WARM: warm, AB_PAIRS: String(n) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // 'close', not 'exit': stdout may still hold the end of the rows when the process exits.
    child.once('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as Row[]);
      else reject(new Error(`bench:ab's half with ${warm} warmed first exited with ${code}`));
    });
  });
}

const warm = process.env.AB_WARM;
if (warm === 'base' || warm === 'tree') {
  await measureHalf(warm);
  process.exit(0);
}
if (warm) refuse(`AB_WARM is set by bench:ab for its own halves (base or tree), got ${JSON.stringify(warm)}`);
progress.line(`exporting ${base} (${commit.slice(0, 7)}) and the working tree to .bench-base/`);
exportBase();
exportTree();
progress.line(`${pairs} pairs per client in two processes, each build warmed first in one`);
const rows = await bothHalves();

/** A bar each side of a zero line: the working tree slower to the right, faster to the left. */
const most = Math.max(1, ...rows.map((r) => Math.abs(r.addedUs)));
const bar = (us: number): string => {
  const n = Math.round((Math.abs(us) / most) * 20);
  return us < 0 ? `${' '.repeat(20 - n)}${'█'.repeat(n)}|${' '.repeat(20)}` : `${' '.repeat(20)}|${'█'.repeat(n)}`;
};
process.stdout.write(
  [
    `## ${base} (${commit.slice(0, 7)}) against the working tree: CPU per ${kind} request, each client with its plugin`,
    '',
    mdTable(
      [
        'client',
        `${base}: CPU µs/req`,
        'working tree − base, µs/req (95 % interval of the median)',
        'pair differences q25 – q75',
        'pairs',
        'share of the base',
      ],
      rows.map((r) => [
        r.client,
        ...pairedCells(r),
        `${r.addedUs < 0 ? '' : '+'}${num((100 * r.addedUs) / r.fromCpuUs, 1)} %`,
      ]),
    ),
    '',
    'Working tree − base, µs per request (left: the working tree is faster):',
    '',
    '```',
    ...rows.map((r) => `${r.client.padEnd(6)} ${bar(r.addedUs)} ${num(r.addedUs, 1)}`),
    '```',
    '',
  ].join('\n'),
);
