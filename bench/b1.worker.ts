import { parentPort, workerData } from 'node:worker_threads';
import { createFakeExchange } from '@binance-errors/testing';

// B1's exchange runs in its own thread, so the clients being measured own the main thread and its CPU clock.
const { apiKey, secret } = workerData as { apiKey: string; secret: string };
const huge = 1e12;
const ex = await createFakeExchange({
  accounts: [{ apiKey, secret, balances: { USDT: '1000' } }],
  rateLimits: [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: huge },
    { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: huge },
  ],
  maxLogEntries: 0,
});
parentPort!.postMessage({ url: ex.url });
parentPort!.once('message', async () => {
  await ex.close();
  parentPort!.close();
});
