import { Worker } from 'node:worker_threads';
import type { FakeExchangeOptions } from '@binance-errors/testing';

/** Messages to exchange.worker.ts. */
export type HostCommand =
  | { type: 'create'; options: FakeExchangeOptions }
  | { type: 'storm'; id: number; durationMs: number; path: string }
  | { type: 'count'; id: number; path: string; from: number; to: number }
  | { type: 'close'; id: number };

/** A fake exchange living in the host thread. */
export interface RemoteExchange {
  url: string;
  /** Starts a -1008 storm on `path`; resolves with the exchange's time when it began. */
  storm(durationMs: number, path: string): Promise<number>;
  /** Requests to `path` the exchange logged with a time in [from, to). */
  count(path: string, from: number, to: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A worker thread that hosts fake exchanges, so their request handling runs on the other core instead of stealing
 * the event loop of the clients being measured. Only serialisable options (no functions) cross over.
 */
export class ExchangeHost {
  readonly #worker = new Worker(new URL('../exchange.worker.ts', import.meta.url));
  readonly #pending = new Map<number, (reply: unknown) => void>();
  #seq = 0;

  constructor() {
    this.#worker.on('message', ({ seq, reply }: { seq: number; reply: unknown }) => {
      this.#pending.get(seq)?.(reply);
      this.#pending.delete(seq);
    });
  }

  #ask<T>(command: HostCommand): Promise<T> {
    const seq = ++this.#seq;
    return new Promise<T>((resolve) => {
      this.#pending.set(seq, resolve as (reply: unknown) => void);
      this.#worker.postMessage({ seq, command });
    });
  }

  async create(options: FakeExchangeOptions): Promise<RemoteExchange> {
    const { id, url } = await this.#ask<{ id: number; url: string }>({ type: 'create', options });
    return {
      url,
      storm: async (durationMs, path) => (await this.#ask<{ at: number }>({ type: 'storm', id, durationMs, path })).at,
      count: async (path, from, to) =>
        (await this.#ask<{ count: number }>({ type: 'count', id, path, from, to })).count,
      close: async () => {
        await this.#ask({ type: 'close', id });
      },
    };
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
