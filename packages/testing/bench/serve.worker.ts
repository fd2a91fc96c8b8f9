import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createFakeExchange } from '../src/index.ts';

// The exchange runs in its own thread so the load generator does not steal its event loop.
const { apiKey, secret } = workerData as { apiKey: string; secret: string };
const huge = 1e15;
const ex = await createFakeExchange({
  accounts: [{ apiKey, secret, balances: { USDT: '1000' } }],
  rateLimits: [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: huge },
    { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: huge },
    { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: huge },
  ],
});
parentPort!.postMessage({ url: ex.url });
let elu = performance.eventLoopUtilization();
parentPort!.on('message', async (msg: string) => {
  // Event-loop utilisation of the server thread since the last 'mark': near 1 means the server is the bottleneck.
  if (msg === 'mark') elu = performance.eventLoopUtilization();
  if (msg === 'elu') parentPort!.postMessage({ elu: performance.eventLoopUtilization(elu).utilization });
  if (msg === 'close') {
    await ex.close();
    process.exit(0);
  }
});
