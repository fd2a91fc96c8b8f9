/**
 * B1's fake exchange, in a process of its own (started, and pinned to a core of its own, by `lib/pinnedExchange.ts`),
 * its URL printed on stdout. It stops when its parent closes stdin (or dies), so it never outlives the run.
 */
import { createFakeExchange } from '@binance-errors/testing';
import { BENCH_ACCOUNT, LIMITS_FAR_ABOVE_LOAD } from './lib/clients.ts';

const exchange = await createFakeExchange({
  accounts: [BENCH_ACCOUNT],
  rateLimits: LIMITS_FAR_ABOVE_LOAD,
  maxLogEntries: 0,
});
process.stdout.write(`${exchange.url}\n`);
process.stdin.resume();
process.stdin.once('close', () => {
  void exchange.close().then(() => process.exit(0));
});
