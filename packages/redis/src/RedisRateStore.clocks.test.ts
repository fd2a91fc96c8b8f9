import { binanceErrors } from '@binance-errors/axios';
import { BinanceGuard, isBinanceError, type ThrottleLimit } from '@binance-errors/core';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from '../test/support/redisServer.ts';
import { RedisRateStore } from './RedisRateStore.ts';

// Processes behind one IP share a 429's pause and a 418's ban through Redis, but not a clock: one that signs reads
// the exchange's once its first signed request synced it, one that sends only public requests reads the host's.
// With the host 3 s off the exchange, an end one of them wrote was read 3 s early by the other, which then sent
// into the pause or the ban (a 429, or a 418 that can lengthen the IP's next ban).

const ACCOUNT = { apiKey: 'clocks-key', secret: 'clocks-secret' };
// 3 s windows: a 429's Retry-After is at most 3 s, the host's whole lead over the exchange.
const WINDOW_MS = 3000;
const LIMITS: Array<ThrottleLimit & { intervalMs: number }> = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 60, intervalMs: WINDOW_MS },
];

let server: RedisServer;
let ex: FakeExchange | undefined;
let cleanups: Array<() => unknown> = [];
let prefixes = 0;

beforeAll(async () => {
  server = await startRedis();
});
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
  await ex?.close();
  ex = undefined;
});
afterAll(async () => {
  await server.stop();
});

interface Process {
  guard: BinanceGuard;
  /** A GET's status: the exchange's answer, or the one a refusal before sending mimics. */
  get(path: string): Promise<number | undefined>;
}

/** A process on `prefix`: its own store, guard and axios client; a signing one carries the account's keys. */
function startProcess(exchange: FakeExchange, prefix: string, signing: boolean): Process {
  const store = new RedisRateStore({ redis: server.url, prefix });
  // maxWaitMs: a 429 is not retried, and a pause is refused rather than waited out: every send shows in the log.
  const guard = new BinanceGuard(exchange.url, { throttle: { store, maxWaitMs: 100 }, breaker: false });
  cleanups.push(async () => {
    guard.close();
    await store.close();
  });
  const client = axios.create({ baseURL: exchange.url });
  const keys = signing ? { apiKey: ACCOUNT.apiKey, apiSecret: ACCOUNT.secret } : {};
  client.interceptors.request.use(binanceErrors({ guard, ...keys }));
  return {
    guard,
    get: (path) =>
      client.get(path).then(
        (r) => r.status,
        (e: unknown) => (isBinanceError(e) ? e.status : Promise.reject(e)),
      ),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Case = { what: 'ban' | 'pause'; writer: 'signing' | 'unsigned'; skewMs: number; host: string };
// The reader's clock runs ahead of the writer's: the host's ahead of the exchange's, or the other way round. Not a ban
// that the process that never synced stored: it lasts the later of Retry-After and "until" by the host's clock,
// which is never too short.
const CASES: Case[] = [
  { what: 'ban', writer: 'signing', skewMs: -3000, host: 'ahead of' },
  { what: 'pause', writer: 'unsigned', skewMs: 3000, host: 'behind' },
  { what: 'pause', writer: 'signing', skewMs: -3000, host: 'ahead of' },
];

describe('RedisRateStore between a process whose clock synced and one whose clock did not', () => {
  it.each(CASES)(
    'a $what the $writer process stored holds for the other, the host 3 s $host the exchange',
    async ({ what, writer: writerKind, skewMs }) => {
      const exchange = await createFakeExchange({
        accounts: [ACCOUNT],
        rateLimits: LIMITS,
        ban: what === 'ban' ? { after429s: 1, durationsMs: [3000] } : false,
      });
      ex = exchange;
      exchange.setSkew(skewMs);
      const prefix = `clocks-${process.pid}-${++prefixes}`;
      const signing = startProcess(exchange, prefix, true);
      const unsigned = startProcess(exchange, prefix, false);
      // The signing process syncs its clock with its first signed request; the other never does.
      expect(await signing.get('/api/v3/account')).toBe(200);
      expect(signing.guard.snapshot().clock?.synced).toBe(true);
      const [writer, reader] = writerKind === 'signing' ? [signing, unsigned] : [unsigned, signing];

      // Early in a window, another program on the IP uses it up (and, for a ban, gets the IP banned).
      while (exchange.now() % WINDOW_MS > 300) await sleep(20);
      const refusal = what === 'ban' ? 418 : 429;
      while ((await fetch(`${exchange.url}/api/v3/ping`)).status !== refusal);
      // The writer's next request is answered the same: its guard stores the ban or pause in Redis.
      expect(await writer.get('/api/v3/ping')).toBe(refusal);
      const refused = () => exchange.count({ status: 429 }) + exchange.count({ status: 418 });
      const answered = refused();

      // The reader polls through the rest of it: refused here, not sent.
      const until = Date.now() + 2500;
      while (Date.now() < until) {
        await reader.get('/api/v3/ping');
        await sleep(100);
      }
      expect(refused() - answered, '429s and 418s answered to the reader').toBe(0);
      expect(unsigned.guard.snapshot().clock?.synced).toBe(false);
      // It was not refused for good: once the exchange lets requests through, so does the store.
      await sleep(1000);
      expect(await reader.get('/api/v3/ping')).toBe(200);
    },
  );
});
