/**
 * `npm run bench:alloc`: what the plugin allocates per request over the bare client, function by function, from V8's
 * sampling heap profiler (collected objects included) over the in-memory loop `bench/instructions.ts` counts
 * (`bench/lib/instructionLoop.ts`: public ticker requests, 32 at a time). Allocation is what the collector later
 * pays for, and unlike time it moves by a percent or two between runs, so a change that allocates more shows here
 * by name where B1's CPU figures cannot resolve it.
 *
 *   npm run bench:alloc                       fetch (the guard as the adapters call it), axios, ky and got
 *   ALLOC_CLIENTS=fetch,ky npm run bench:alloc   some of them
 *   ALLOC_REQUESTS=20000 ALLOC_WARMUP=5000 ALLOC_TOP=15   requests sampled, before them, functions shown per client
 *   ALLOC_NO_INLINING=1 npm run bench:alloc   each function's own allocations: the profiler names the compiled
 *                                             function, so a function V8 inlines is counted in its caller's
 *
 * Each variant runs in a Node process of its own; about 4 minutes for all four clients, progress on stderr.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Allocations, SAMPLE_BYTES } from './lib/allocations.ts';
import { flagFromEnv, namesFromEnv, positiveFromEnv } from './lib/env.ts';
import { LOOP_CLIENTS, type LoopClient, type LoopVariant } from './lib/instructionLoop.ts';
import { mdTable } from './lib/markdown.ts';
import { Progress } from './lib/progress.ts';
import { runChild } from './lib/runChild.ts';
import { num } from './lib/stats.ts';

const LOOP = fileURLToPath(new URL('./lib/instructionLoop.ts', import.meta.url));
const requests = positiveFromEnv('ALLOC_REQUESTS', 20_000);
const warmup = positiveFromEnv('ALLOC_WARMUP', 5_000);
const top = positiveFromEnv('ALLOC_TOP', 15);
const clients = namesFromEnv('ALLOC_CLIENTS', LOOP_CLIENTS);
/** V8's flags for the sampled loops: with inlining off, a closure's context shows in the function that makes it. */
const v8Flags = flagFromEnv('ALLOC_NO_INLINING') ? ['--no-turbo-inlining', '--no-maglev-inlining'] : [];
/** What each client is with the plugin, for the headings. */
const PLUGIN_NAME: Record<LoopClient, string> = {
  fetch: 'fetch + BinanceGuard',
  axios: 'axios + plugin',
  ky: 'ky + plugin',
  got: 'got + plugin',
};

/** One variant's allocations over the sampled requests, in a process of its own. */
async function sample(dir: string, client: LoopClient, variant: LoopVariant): Promise<Allocations> {
  const out = join(dir, `${client}-${variant}.json`);
  const env = {
    ...process.env,
    LOOP_CLIENT: client,
    LOOP_VARIANT: variant,
    LOOP_WARMUP: String(warmup),
    LOOP_REQUESTS: String(requests),
    LOOP_ALLOC_OUT: out,
  };
  await runChild(
    process.execPath,
    [...v8Flags, '--conditions=@binance-errors/source', LOOP],
    env,
    `the ${variant} ${client} loop`,
  );
  return JSON.parse(await readFile(out, 'utf8')) as Allocations;
}

/** Bytes a request, with a sign where it is a difference. */
const bytes = (n: number, signed = false) => `${signed && n >= 0 ? '+' : ''}${num(Math.round(n))}`;

async function main(): Promise<void> {
  const progress = new Progress();
  const dir = await mkdtemp(join(tmpdir(), 'bench-alloc-'));
  const summary: string[][] = [];
  const sections: string[] = [];
  try {
    let done = 0;
    for (const client of clients) {
      const bare = await sample(dir, client, 'bare');
      progress.line(`${client}, bare: sampled (${++done}/${clients.length * 2})`);
      const plugin = await sample(dir, client, 'guard');
      progress.line(`${client}, with the plugin: sampled (${++done}/${clients.length * 2})`);
      summary.push([
        client,
        bytes(bare.total / requests),
        bytes(plugin.total / requests),
        bytes((plugin.total - bare.total) / requests, true),
      ]);
      const added = Object.keys({ ...bare.byFunction, ...plugin.byFunction })
        .map((name) => [name, ((plugin.byFunction[name] ?? 0) - (bare.byFunction[name] ?? 0)) / requests] as const)
        .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
        .slice(0, top);
      sections.push(
        `### ${PLUGIN_NAME[client]} against bare ${client}: the ${top} functions whose allocations change most\n\n` +
          mdTable(
            ['function (where it starts)', 'added bytes / request'],
            added.map(([name, n]) => [name, bytes(n, true)]),
          ),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `Bytes allocated per request, collected objects included (V8's sampling heap profiler, one sample per ` +
      `${SAMPLE_BYTES} bytes on average), over ${num(requests)} public ticker requests in memory after ` +
      `${num(warmup)} of warm-up${v8Flags.length > 0 ? ", V8's inlining off" : ''}:\n\n` +
      `${mdTable(['client', 'bare', 'with the plugin', 'added'], summary)}\n\n${sections.join('\n\n')}\n`,
  );
}

await main();
