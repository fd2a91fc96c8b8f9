// One trading process in a worker thread: its own axios client, BinanceGuard and store (Redis or in-memory),
// driven by messages from the test or benchmark that started it. See workers.ts for the protocol.
import { parentPort, workerData } from 'node:worker_threads';
import { binanceErrors } from '@binance-errors/axios';
import { BinanceGuard, isBinanceError, type RateStore, type ThrottleLimit } from '@binance-errors/core';
import axios from 'axios';
import { RedisRateStore } from '../../src/index.ts';
import type { WorkerCommand, WorkerInit, WorkerResult } from './workers.ts';

const init = workerData as WorkerInit;
const store: RateStore | undefined =
  init.redisUrl === undefined ? undefined : new RedisRateStore({ redis: init.redisUrl, prefix: init.prefix });
// A process that believes the limits are `limitScale` times higher than they are (misconfigured).
const limits: ThrottleLimit[] = init.limits.map((l) => ({ ...l, limit: Math.round(l.limit * (init.limitScale ?? 1)) }));
const guard = new BinanceGuard(init.url, {
  throttle: { limits, store, edgeGuardMs: 30, maxWaitMs: init.maxWaitMs ?? 30_000 },
  breaker: false,
  retry: { reads: 0 },
});
const client = axios.create({ baseURL: init.url });
client.interceptors.request.use(binanceErrors({ guard }));

function tally(result: WorkerResult, outcome: PromiseSettledResult<unknown>): void {
  result.calls++;
  if (outcome.status === 'fulfilled') {
    result.ok++;
    return;
  }
  const e = outcome.reason;
  const name = isBinanceError(e) ? `${e.name}${e.status === undefined ? '' : ` ${e.status}`}` : String(e);
  result.errors[name] = (result.errors[name] ?? 0) + 1;
}

const empty = (): WorkerResult => ({ calls: 0, ok: 0, errors: {} });

async function run(command: WorkerCommand): Promise<WorkerResult> {
  const result = empty();
  const depth = () => client.get('/api/v3/depth', { params: { symbol: 'BTCUSDT', limit: command.depthLimit ?? 100 } });
  if (command.type === 'load') {
    const deadline = Date.now() + command.durationMs;
    const loop = async () => {
      while (Date.now() < deadline) tally(result, (await Promise.allSettled([depth()]))[0]!);
    };
    await Promise.all(Array.from({ length: command.concurrency }, loop));
  } else if (command.type === 'burst') {
    for (const outcome of await Promise.allSettled(Array.from({ length: command.n }, depth))) tally(result, outcome);
  } else if (command.type === 'probe') {
    for (let i = 0; i < command.n; i++) tally(result, (await Promise.allSettled([client.get('/api/v3/ping')]))[0]!);
  } else {
    guard.close();
    await (store as RedisRateStore | undefined)?.close();
  }
  return result;
}

parentPort!.on('message', (command: WorkerCommand) => {
  run(command).then(
    (result) => parentPort!.postMessage({ id: command.id, result }),
    (error: unknown) => parentPort!.postMessage({ id: command.id, error: String(error) }),
  );
});
parentPort!.postMessage({ ready: true });
