/**
 * B1's exchange in a process of its own (see `lib/pinnedExchange.ts`): B1's exchange worker, its URL printed on
 * stdout. It stops when its parent closes stdin (or dies), so it never outlives the run.
 */
import { Worker } from 'node:worker_threads';
import { BENCH_KEY } from './lib/clients.ts';

const worker = new Worker(new URL('./b1.worker.ts', import.meta.url), {
  workerData: { apiKey: BENCH_KEY.apiKey, secret: BENCH_KEY.apiSecret },
});
const { url } = await new Promise<{ url: string }>((resolve) => worker.once('message', resolve));
process.stdout.write(`${url}\n`);
process.stdin.resume();
process.stdin.once('close', () => {
  worker.postMessage('close');
  worker.once('exit', () => process.exit(0));
});
