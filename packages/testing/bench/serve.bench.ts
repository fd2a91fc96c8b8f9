import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Worker } from 'node:worker_threads';

// Requests per second the fake exchange serves on loopback, with the full pipeline on (weights, log, signatures).
// Server in a worker thread, keep-alive client with CONCURRENCY requests in flight, DURATION_MS per scenario.

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);
const WARMUP_MS = 500;
const API_KEY = 'bench-key';
const SECRET = 'bench-secret';

interface Result {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
  /** Server thread event-loop utilisation during the measurement, 0..1. */
  elu: number;
}

function ask<T>(msg: string): Promise<T> {
  return new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage(msg);
  });
}

const worker = new Worker(new URL('./serve.worker.ts', import.meta.url), {
  workerData: { apiKey: API_KEY, secret: SECRET },
});
const { url } = await new Promise<{ url: string }>((resolve) => worker.once('message', resolve));
const { hostname, port } = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function once(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', agent, headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function run(name: string, makePath: () => string, headers: Record<string, string>): Promise<Result> {
  const latencies: number[] = [];
  let requests = 0;
  let errors = 0;
  let measuring = false;
  const warmupEnd = performance.now() + WARMUP_MS;
  const end = warmupEnd + DURATION_MS;
  let lastTick = warmupEnd;
  let lastCount = 0;
  const loop = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const status = await once(makePath(), headers);
      const t1 = performance.now();
      if (!measuring && t1 >= warmupEnd) {
        measuring = true;
        worker.postMessage('mark');
      }
      if (!measuring) continue;
      requests++;
      if (status !== 200) errors++;
      latencies.push(t1 - t0);
      if (t1 - lastTick >= 1000) {
        const rate = ((requests - lastCount) * 1000) / (t1 - lastTick);
        console.log(`  ${name}: ${((t1 - warmupEnd) / 1000).toFixed(1)} s, ${Math.round(rate)} req/s`);
        lastTick = t1;
        lastCount = requests;
      }
    }
  };
  console.log(
    `${name}: ${CONCURRENCY} concurrent keep-alive requests for ${DURATION_MS} ms (after ${WARMUP_MS} ms warm-up)`,
  );
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const { elu } = await ask<{ elu: number }>('elu');
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { name, requests, errors, seconds: DURATION_MS / 1000, p50: pct(0.5), p99: pct(0.99), elu };
}

const results: Result[] = [];
results.push(await run('GET /api/v3/ping', () => '/api/v3/ping', {}));
results.push(
  await run(
    'GET /api/v3/account (HMAC signed)',
    () => {
      const q = `timestamp=${Date.now()}`;
      return `/api/v3/account?${q}&signature=${createHmac('sha256', SECRET).update(q).digest('hex')}`;
    },
    { 'X-MBX-APIKEY': API_KEY },
  ),
);

worker.postMessage('close');
agent.destroy();

console.log('\n| scenario | requests | non-200 | req/s | p50 ms | p99 ms | server busy |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const rate = Math.round(r.requests / r.seconds);
  const busy = `${Math.round(r.elu * 100)}%`;
  console.log(
    `| ${r.name} | ${r.requests} | ${r.errors} | ${rate} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${busy} |`,
  );
}
console.log(
  `\nnode ${process.version}, ${CONCURRENCY} concurrent, server in a worker thread, client node:http keep-alive`,
);
