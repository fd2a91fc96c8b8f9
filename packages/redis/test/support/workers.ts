import { Worker } from 'node:worker_threads';
import type { ThrottleLimit } from '@binance-errors/core';

/** What each worker is started with. */
export interface WorkerInit {
  url: string;
  /** Share the budget through Redis; without it the worker's guard keeps its own in-memory budget. */
  redisUrl?: string | undefined;
  prefix?: string | undefined;
  limits: ThrottleLimit[];
  /** Multiplies every limit the worker's guard believes in (a misconfigured process). @default 1 */
  limitScale?: number | undefined;
  maxWaitMs?: number | undefined;
}

/** What a worker is told to do. */
export type WorkerCommand = { id: number; depthLimit?: number } & (
  | { type: 'load'; durationMs: number; concurrency: number }
  | { type: 'burst'; n: number }
  | { type: 'probe'; n: number }
  | { type: 'close' }
);

/** How the worker's calls ended: resolved, or rejected with an error named `BinanceIpBanError 418`, … */
export interface WorkerResult {
  calls: number;
  ok: number;
  errors: Record<string, number>;
}

type Command = WorkerCommand extends infer C ? (C extends unknown ? Omit<C, 'id'> : never) : never;

/** One worker thread running loadWorker.ts. */
export interface LoadWorker {
  send(command: Command): Promise<WorkerResult>;
  /** Closes its guard and store, then ends the thread. */
  close(): Promise<void>;
}

/** Starts `n` worker threads; each loads the packages from source, so no build is needed. */
export async function startWorkers(n: number, init: (i: number) => WorkerInit): Promise<LoadWorker[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => startWorker(init(i))));
}

async function startWorker(init: WorkerInit): Promise<LoadWorker> {
  const worker = new Worker(new URL('./loadWorker.ts', import.meta.url), {
    workerData: init,
    execArgv: ['--conditions=@binance-errors/source'],
  });
  let next = 0;
  const pending = new Map<number, { resolve: (r: WorkerResult) => void; reject: (e: Error) => void }>();
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`worker exited with ${code}`)));
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  worker.on('message', (message: { id: number; result?: WorkerResult; error?: string }) => {
    const p = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) p?.reject(new Error(message.error));
    else p?.resolve(message.result!);
  });
  const send = (command: Command) =>
    new Promise<WorkerResult>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...command, id });
    });
  return {
    send,
    async close() {
      if (failure) return;
      await send({ type: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
  };
}
