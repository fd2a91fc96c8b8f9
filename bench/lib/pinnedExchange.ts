import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';

/** B1's fake exchange, running in a process of its own. */
export interface PinnedExchange {
  url: string;
  /** Whether the exchange and this process's main thread were pinned to cores of their own. */
  pinned: boolean;
  /** Stops the exchange, and lets this process's main thread run on the cores it had again. */
  close(): Promise<void>;
}

/**
 * Starts B1's fake exchange in a process of its own. Where `taskset` exists and there are two cores or more, the
 * exchange (every thread of it) is pinned to the second core and this process's main thread, the one measured, to
 * the first, until `close()`: neither takes the other's core or caches, as a remote exchange would not. V8's
 * collector threads stay free to use either core, as they would on a machine with more.
 *
 * Left to the scheduler instead, the same code measured 8 µs in one run and 21–23 µs in runs two hours later for
 * what the guard adds to fetch: the measured thread and the exchange's threads shared two cores however the
 * scheduler placed them at the time.
 */
export async function startPinnedExchange(): Promise<PinnedExchange> {
  const cores = canPin() ? affinityOf(process.pid) : undefined;
  const exchange = spawn(
    process.execPath,
    // Only the conditions it loads the packages with: the rest (`-e`, `--expose-gc`, …) is this process's.
    [
      ...process.execArgv.filter((arg) => arg.startsWith('--conditions')),
      new URL('../b1.exchange.ts', import.meta.url).pathname,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => exchange.once('exit', () => resolve()));
  const pinned =
    cores !== undefined && exchange.pid !== undefined && pin(exchange.pid, '1', true) && pin(process.pid, '0', false);
  const unpin = () => {
    if (cores !== undefined) pin(process.pid, cores, false);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      exchange.once('exit', (code) => reject(new Error(`B1's exchange exited (${code}) before it started`)));
      exchange.once('error', reject);
      createInterface({ input: exchange.stdout! }).once('line', resolve);
    });
    return {
      url,
      pinned,
      close: async () => {
        exchange.stdin!.end();
        await exited;
        unpin();
      },
    };
  } catch (error) {
    exchange.kill();
    unpin();
    throw error;
  }
}

function canPin(): boolean {
  return availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
}

/** The cores `pid` may run on, as taskset lists them ("0,1", "0-3"); `undefined` when taskset cannot say. */
function affinityOf(pid: number): string | undefined {
  const result = spawnSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' });
  return result.status === 0 ? /:\s*([\d,-]+)\s*$/.exec(result.stdout)?.[1] : undefined;
}

/** Pins `pid`'s main thread, or every thread of it, to `cores`; whether taskset did. */
function pin(pid: number, cores: string, allThreads: boolean): boolean {
  const args = [...(allThreads ? ['-a'] : []), '-p', '-c', cores, String(pid)];
  return spawnSync('taskset', args, { stdio: 'ignore' }).status === 0;
}
