import {
  type BinanceError,
  BinanceGuard,
  Credentials,
  type GuardTransport,
  readFetchResponse,
} from '@binance-errors/core';
import { describe, expect, it } from 'vitest';
import { deferredCleanups } from './support/lifecycle.ts';

// A proxy or a broken server answering GET /api/v3/time with a time that cannot be the server's: the clock must not
// take it (0 set it to 1970, and the guard then read its own state as a ban until 1970), and the call it held says
// plainly that the clock could not sync, whatever the number.

const defer = deferredCleanups();
const credentials = new Credentials({
  apiKey: 'bogus-time-api-key-0123456789',
  apiSecret: 'bogus-time-secret-0123456789',
});

/** Answers /time with `serverTime`, anything else with an empty JSON object; nothing goes on the network. */
function answering(serverTime: unknown): GuardTransport<Response> & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    send: (attempt) => {
      const { pathname } = new URL(attempt.url);
      calls.push(pathname);
      const body = pathname === '/api/v3/time' ? `{"serverTime":${String(serverTime)}}` : '{}';
      return Promise.resolve(new Response(body, { headers: { 'content-type': 'application/json' } }));
    },
    read: readFetchResponse,
  };
}

describe('a server time that cannot be right', () => {
  it.each([0, 1, -1, '1e400', 99_999_999_999_999, '"1700000000000"'])(
    'is refused by the clock, and the signed call says so, unsent (%s)',
    async (serverTime) => {
      const guard = new BinanceGuard('https://api.binance.com', { breaker: false });
      defer(() => guard.close());
      const transport = answering(serverTime);
      const error = (await guard
        .run({ method: 'GET', url: 'https://api.binance.com/api/v3/account' }, transport, { credentials })
        .catch((e: unknown) => e)) as BinanceError;
      expect(error.message).toContain('the clock could not sync');
      expect(error.category).not.toBe('ip-ban');
      expect(error.executed).toBe('no');
      expect(transport.calls.filter((p) => p === '/api/v3/account')).toEqual([]);
      expect(guard.snapshot().throttle?.bannedUntil).toBeUndefined();
    },
  );

  it("takes a time the client hands over as bytes (got's responseType: 'buffer')", async () => {
    const guard = new BinanceGuard('https://api.binance.com', { breaker: false });
    defer(() => guard.close());
    const text = answering(Date.now());
    const bytes: GuardTransport<Response> = {
      send: text.send,
      read: async (response) => ({
        status: response.status,
        headers: response.headers,
        body: new Uint8Array(await response.arrayBuffer()),
      }),
    };
    await guard.run({ method: 'GET', url: 'https://api.binance.com/api/v3/account' }, bytes, { credentials });
    expect(guard.snapshot().clock?.synced).toBe(true);
  });

  it('takes a time in µs, as a client asking for X-MBX-TIME-UNIT: MICROSECOND gets it', async () => {
    const guard = new BinanceGuard('https://api.binance.com', { breaker: false });
    defer(() => guard.close());
    const transport = answering(Date.now() * 1000);
    await guard.run({ method: 'GET', url: 'https://api.binance.com/api/v3/account' }, transport, { credentials });
    expect(Math.abs(guard.snapshot().clock?.offsetMs ?? Number.NaN)).toBeLessThan(1000);
  });
});
