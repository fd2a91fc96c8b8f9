/**
 * B1's fake exchange, in a process of its own (started, and pinned to a core of its own, by `lib/pinnedExchange.ts`),
 * its URL printed on stdout. It stops when its parent closes stdin (or dies), so it never outlives the run.
 */
import { createFakeExchange } from '@binance-errors/testing';
import { BENCH_ACCOUNT } from './lib/clients.ts';

const huge = 1e12;
const exchange = await createFakeExchange({
  accounts: [BENCH_ACCOUNT],
  rateLimits: [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: huge },
    { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: huge },
  ],
  maxLogEntries: 0,
});
process.stdout.write(`${exchange.url}\n`);
process.stdin.resume();
process.stdin.once('close', () => {
  void exchange.close().then(() => process.exit(0));
});
