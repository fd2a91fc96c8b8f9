import { parentPort } from 'node:worker_threads';
import { createFakeExchange, type FakeExchange, type FakeExchangeOptions } from '@binance-errors/testing';
import type { HostCommand } from './lib/ExchangeHost.ts';

// Fake exchanges in their own thread, so the clients under test own the main thread (and its CPU clock).
const exchanges = new Map<number, FakeExchange>();
let nextId = 1;

async function handle(command: HostCommand): Promise<unknown> {
  switch (command.type) {
    case 'create': {
      const ex = await createFakeExchange(command.options as FakeExchangeOptions);
      const id = nextId++;
      exchanges.set(id, ex);
      return { id, url: ex.url };
    }
    case 'storm':
      exchanges.get(command.id)!.storm({ durationMs: command.durationMs, match: { path: command.path } });
      return { at: Date.now() };
    case 'count': {
      let n = 0;
      for (const r of exchanges.get(command.id)!.requests) {
        if (r.path === command.path && r.time >= command.from && r.time < command.to) n++;
      }
      return { count: n };
    }
    case 'close':
      await exchanges.get(command.id)?.close();
      exchanges.delete(command.id);
      return {};
  }
}

parentPort!.on('message', async ({ seq, command }: { seq: number; command: HostCommand }) => {
  parentPort!.postMessage({ seq, reply: await handle(command) });
});
