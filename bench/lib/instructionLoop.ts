/**
 * The loop `bench/instructions.ts` counts under callgrind and `bench/allocations.ts` samples: requests in memory, 32
 * at a time, each answered at once with Binance's usage headers, and whose body the caller reads. Nothing goes over
 * the network, so what is counted is the guard's and the client's work, not the I/O's.
 *
 * Environment: `LOOP_CLIENT` — `fetch` (the default: the guard called as the adapters call it, with a transport
 * that builds a real fetch `Response`), `axios` (an instance whose adapter answers at once, after building the URL
 * as axios' http adapter does), `ky` (an instance whose `fetch` answers with a real `Response`) or `got` (an instance
 * whose `request` option answers with a readable response, as got's cache does), bare or with the
 * client's plugin installed the documented way; `LOOP_VARIANT` (see {@link VARIANTS}); `LOOP_REQUESTS` counted
 * after `LOOP_WARMUP`; `LOOP_MIX=1` for B1's mix (every fifth request a signed `GET /api/v3/openOrders`: signed by
 * the plugin, or, bare, stamped and signed by hand as B1's bare clients do, so that the difference is what B1 sees);
 * `LOOP_COLD_MB=8` sends the requests one at a time and, after each counted one, reads that many MiB of other
 * memory, as a client's own work between two requests does, so that a cache simulation sees the guard start cold;
 * `LOOP_REPORT=1` prints how many requests the exchange answered, how many of them came signed, and the main
 * thread's CPU time over the counted requests (µs; a quick A/B of a change, noisier than a count of instructions);
 * `LOOP_ALLOC_OUT=<file>` writes what the counted requests allocated there, by function (`bench/allocations.ts`).
 * The counted requests are marked on stdout ({@link COUNT_MARKS}), for V8's traces written between the marks.
 */
import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import { BinanceGuard, type BinanceGuardOptions, createPlugin, readFetchResponse } from '@binance-errors/core';
import { binanceErrors as gotPlugin } from '@binance-errors/got';
import { binanceErrors as kyPlugin } from '@binance-errors/ky';
import axios, { type AxiosAdapter, AxiosHeaders } from 'axios';
import buildFullPath from 'axios/unsafe/core/buildFullPath.js';
import buildURL from 'axios/unsafe/helpers/buildURL.js';
import got from 'got';
import ky from 'ky';
import { GUARD_OPTIONS } from '../b1Overhead.ts';
import { sampleAllocations } from './allocations.ts';
import { BENCH_KEY, type BenchRequest, headersOf, LIMITS_FAR_ABOVE_LOAD, paramsOf, queryOf } from './clients.ts';
import { flagFromEnv } from './env.ts';

/**
 * B1's guard, less what happens once a minute or once in ten rather than per request: its limits are the same two,
 * over a day, and the clock does not resync in the background. Counted under callgrind, a run lasts minutes: a
 * request released within the edge guard of a minute's end leaves the fast lane for the general path, compiled then,
 * inside the count of one run and not the other (the cold counts of December 6 and 7 put tens of thousands of
 * instructions a request in V8's compilers).
 */
const STEADY_OPTIONS: BinanceGuardOptions = {
  ...GUARD_OPTIONS,
  throttle: { limits: LIMITS_FAR_ABOVE_LOAD.map((limit) => ({ ...limit, interval: 'DAY', intervalNum: 1 })) },
  clock: { resyncIntervalMs: 0 },
};

/** What each variant runs: `bare` only the client, the others the guard with these options (B1's, in part). */
export const VARIANTS = {
  bare: undefined,
  'guard, every part off': { throttle: false, clock: false, breaker: false },
  'guard, throttle only': { ...STEADY_OPTIONS, clock: false, breaker: false },
  guard: STEADY_OPTIONS,
} as const satisfies Record<string, BinanceGuardOptions | undefined>;

/** What the loop writes to stdout around the counted requests, for V8's `--trace-opt` lines between them. */
export const COUNT_MARKS = { begin: '--- counted requests begin ---', end: '--- counted requests end ---' } as const;

export type LoopVariant = keyof typeof VARIANTS;

/** The clients the loop can count. */
export const LOOP_CLIENTS = ['fetch', 'axios', 'ky', 'got'] as const;
export type LoopClient = (typeof LOOP_CLIENTS)[number];

const ORIGIN = 'http://127.0.0.1:9';
const TICKER: BenchRequest = {
  method: 'GET',
  path: '/api/v3/ticker/price',
  params: { symbol: 'BTCUSDT' },
  signed: false,
};
const OPEN_ORDERS: BenchRequest = {
  method: 'GET',
  path: '/api/v3/openOrders',
  params: { symbol: 'BTCUSDT' },
  signed: true,
};
const CONCURRENCY = 32;

let used = 0;
/** What the exchange answered, for `LOOP_REPORT=1`: every request, and those that came signed. */
const answered = { requests: 0, signed: 0 };
/** The exchange's usage headers, counting up. */
function usage(): Record<string, string> {
  used += 2;
  return {
    'content-type': 'application/json',
    'x-mbx-used-weight': String(used),
    'x-mbx-used-weight-1m': String(used),
  };
}
/** The exchange's body: the server time for the clock's `/time`, `{}` otherwise. */
function bodyFor(url: string): string {
  answered.requests++;
  if (url.includes('signature=')) answered.signed++;
  return url.includes('/time') ? JSON.stringify({ serverTime: Date.now() }) : '{}';
}

/** The exchange's answer as fetch gives it, at once. */
function respond(url: string): Promise<Response> {
  return Promise.resolve(new Response(bodyFor(url), { status: 200, headers: usage() }));
}

/** axios' http adapter, less the socket: it builds the URL as that adapter does, and answers at once. */
const axiosAdapter: AxiosAdapter = (config) => {
  const parsed = new URL(buildFullPath(config.baseURL, config.url, config.allowAbsoluteUrls, config));
  const url = buildURL(parsed.href, config.params, config.paramsSerializer);
  const headers = new AxiosHeaders(usage());
  return Promise.resolve({ data: bodyFor(url), status: 200, statusText: 'OK', headers, config, request: {} });
};

/**
 * The exchange's answer as got's `request` option may give it instead of a request (as its cache does): a readable
 * response with the status and headers, its body already pushed.
 */
function gotResponse(url: URL): Readable {
  const body = Buffer.from(bodyFor(url.href));
  const headers = { ...usage(), 'content-length': String(body.length) };
  const response = Object.assign(new Readable({ read() {} }), { statusCode: 200, headers, complete: false });
  response.once('end', () => {
    response.complete = true;
  });
  response.push(body);
  response.push(null);
  return response;
}

/** One request of the loop, sent and its body read. */
type Send = (request: BenchRequest) => Promise<unknown>;

/** The client's call, bare (`guard` undefined) or through its plugin with that guard, as B1's drivers call it. */
function sendOf(client: LoopClient, guard: BinanceGuard | undefined): Send {
  // Bare, a signed request is stamped, signed and given its key by hand, as B1's bare clients do.
  const paramsFor = (request: BenchRequest) => (guard ? request.params : paramsOf(request, BENCH_KEY));
  const headersFor = (request: BenchRequest) => !guard && request.signed && { headers: headersOf(request, BENCH_KEY) };
  if (client === 'axios') {
    const api = axios.create({ baseURL: ORIGIN, adapter: axiosAdapter });
    if (guard) api.interceptors.request.use(axiosPlugin({ ...BENCH_KEY, guard }));
    return async (request) =>
      (
        await api.request({
          method: request.method,
          url: request.path,
          timeout: 0,
          params: paramsFor(request),
          ...headersFor(request),
        })
      ).data;
  }
  if (client === 'got') {
    const bare = got.extend({ prefixUrl: ORIGIN, request: gotResponse as never });
    const api = guard ? bare.extend(gotPlugin({ ...BENCH_KEY, guard })) : bare;
    return async (request) =>
      (
        await api(request.path.slice(1), {
          method: request.method,
          responseType: 'json',
          searchParams: paramsFor(request),
          ...headersFor(request),
        })
      ).body;
  }
  if (client === 'ky') {
    const fetch = (input: RequestInfo | URL) => respond(input instanceof Request ? input.url : String(input));
    const bare = ky.create({ prefix: ORIGIN, fetch });
    const api = guard ? bare.extend(kyPlugin({ ...BENCH_KEY, guard })) : bare;
    return async (request) => {
      const res = await api(request.path.slice(1), {
        method: request.method,
        timeout: false,
        searchParams: paramsFor(request),
        ...headersFor(request),
      });
      return JSON.parse(await res.text());
    };
  }
  const plugin = guard && createPlugin({ ...BENCH_KEY, guard });
  const transport = { send: (attempt: { url: string }) => respond(attempt.url), read: readFetchResponse };
  const unsigned = new Map(
    [TICKER, OPEN_ORDERS].map((r) => [r, `${ORIGIN}${r.path}?${new URLSearchParams(r.params)}`] as const),
  );
  return async (request) => {
    if (!plugin) {
      const url = request.signed ? `${ORIGIN}${request.path}?${queryOf(request, BENCH_KEY)}` : unsigned.get(request)!;
      return (await respond(url)).text();
    }
    const url = unsigned.get(request)!;
    return (await plugin.guardFor(url).run({ method: request.method, url }, transport, plugin.callOptions())).text();
  };
}

/** Reads of the other memory before the count, which leave {@link readOther} optimized. */
const WARM_READS = 20;
/**
 * Memory the cold loop reads between two requests, and what it read (kept, so the reads are not optimized away).
 * During the warm-up one line of it: the loop's code, compiled then, has seen the read it makes in the count (an empty
 * array left it without that, and it was deoptimized at the first counted request).
 */
let other = new Float64Array(8);
let read = 0;
/** Reads one number of every 64-byte line of {@link other}: the caches then hold it rather than the guard's code and data. */
function readOther(): void {
  for (let i = 0; i < other.length; i += 8) read += other[i]!;
}

async function main(): Promise<void> {
  const variant = process.env.LOOP_VARIANT as LoopVariant;
  if (!(variant in VARIANTS)) throw new TypeError(`LOOP_VARIANT must be one of ${Object.keys(VARIANTS).join(', ')}`);
  const client = (process.env.LOOP_CLIENT || 'fetch') as LoopClient;
  if (!LOOP_CLIENTS.includes(client)) throw new TypeError(`LOOP_CLIENT must be one of ${LOOP_CLIENTS.join(', ')}`);
  const options = VARIANTS[variant];
  const guard = options && new BinanceGuard(ORIGIN, options);
  const send = sendOf(client, guard);
  const mix = flagFromEnv('LOOP_MIX');
  const coldMb = Number(process.env.LOOP_COLD_MB || 0);
  if (!(coldMb >= 0)) throw new TypeError(`LOOP_COLD_MB must be a number of MiB, got ${process.env.LOOP_COLD_MB}`);
  // Requests of the current pass sent so far, and how many it sends.
  let sent = 0;
  let toSend = 0;
  // One function for the warm-up and the count: a closure made per pass would be compiled again inside the count.
  const worker = async () => {
    while (sent < toSend) {
      const request = mix && sent % 5 === 0 ? OPEN_ORDERS : TICKER;
      sent++;
      await send(request);
      // Cold, the warm-up reads one line: the call is known to the compiled loop before the count.
      if (coldMb > 0) readOther();
      // A turn of the event loop now and then, as I/O gives: FinalizationRegistry callbacks (undici's, for each
      // Request made with a signal, as ky's are) run only then, and the collector meets what they free.
      if (sent % 256 === 0) await setImmediate();
    }
  };
  const loop = async (requests: number) => {
    sent = 0;
    toSend = requests;
    await Promise.all(Array.from({ length: coldMb > 0 ? 1 : CONCURRENCY }, worker));
  };
  await loop(Number(process.env.LOOP_WARMUP));
  if (coldMb > 0) {
    other = new Float64Array((coldMb * 2 ** 20) / 8).fill(1);
    // Its loop compiled for the long read before the count, as the guard's code is: a compile inside one of the two
    // counts is not a request's.
    for (let i = 0; i < WARM_READS; i++) readOther();
    read = 0;
  }
  const allocOut = process.env.LOOP_ALLOC_OUT;
  const sampling = allocOut ? await sampleAllocations() : undefined;
  const cpuBefore = process.threadCpuUsage();
  process.stdout.write(`${COUNT_MARKS.begin}\n`);
  await loop(Number(process.env.LOOP_REQUESTS));
  process.stdout.write(`${COUNT_MARKS.end}\n`);
  const cpu = process.threadCpuUsage(cpuBefore);
  if (sampling) await writeFile(allocOut!, JSON.stringify(await sampling.stop()));
  guard?.close();
  if (flagFromEnv('LOOP_REPORT'))
    process.stdout.write(`${JSON.stringify({ ...answered, read, cpuUs: cpu.user + cpu.system })}\n`);
}

// Run as a script (by `bench/instructions.ts` under valgrind, or `bench/allocations.ts`); imported, it only says
// what the variants are.
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
