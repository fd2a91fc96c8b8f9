import { request as httpRequest } from 'node:http';
import { BinanceGuard, isBinanceError } from '@binance-errors/core';
import { binanceErrors } from '@binance-errors/got';
import { createFakeExchange } from '@binance-errors/testing';
import got, { type BeforeRequestHook, type ExtendOptions } from 'got';
import { describe, expect, it } from 'vitest';
import { fail } from '../support/fail.ts';
import { deferredCleanups } from './support/lifecycle.ts';
import { carriesCredentials, type Recorder, startRecorder } from './support/recorder.ts';

// What users do: a team moving to the plugin keeps the got `beforeRequest` hook that put its API key on every
// request, public reads included. got runs that hook on each request it builds, after the plugin decided how the
// attempt is sent.
// What must hold (security.md): a request that carries the API key never follows a redirect, whoever set the key.
// Its 3xx becomes the `BinanceRequestError` axios and ky give for the same request (status 3xx, the redacted
// Location in its message, `executed: 'no'` for a read), and nothing reaches the address it points at. A request
// without the key still follows redirects as the caller configured got to.

const API_KEY = 'got-redirect-key-0123456789abcdef0123';
const API_SECRET = 'got-redirect-secret-0123456789abcdef0123';

const defer = deferredCleanups();

async function recorder(...args: Parameters<typeof startRecorder>): Promise<Recorder> {
  const r = await startRecorder(...args);
  defer(() => r.close());
  return r;
}

/** The key on every request, as the team's hook wrote it (in the casing given). */
const keyHook =
  (name = 'x-mbx-apikey'): BeforeRequestHook =>
  (options) => {
    options.headers[name] = API_KEY;
  };

/** got with the plugin on `base`, and the caller's own options (its hooks, its `followRedirect`). */
function client(base: string, own: ExtendOptions = {}): typeof got {
  const guard = new BinanceGuard(base, {});
  defer(() => guard.close());
  return got.extend({ prefixUrl: base, ...own }, binanceErrors({ apiKey: API_KEY, apiSecret: API_SECRET, guard }));
}

/** A server that answers everything with a 302 to the same path on `target`. */
function redirectingTo(target: Recorder): Promise<Recorder> {
  return recorder((req, res) => {
    res.writeHead(302, { location: `${target.url}${req.url}`, 'content-length': '0' }).end();
  });
}

describe('got: an API key set by a beforeRequest hook of the caller', () => {
  it.each(['x-mbx-apikey', 'X-MBX-APIKEY'])(
    'is never sent on to the host a 302 points at (%s): the 3xx is the typed error axios and ky give',
    async (name) => {
      const elsewhere = await recorder();
      const exchange = await redirectingTo(elsewhere);
      const api = client(exchange.url, { hooks: { beforeRequest: [keyHook(name)] } });

      const err = await fail(api('api/v3/depth', { searchParams: { symbol: 'BTCUSDT' } }));

      expect(exchange.requests[0]?.headers['x-mbx-apikey']).toBe(API_KEY);
      expect(elsewhere.requests).toEqual([]);
      expect(isBinanceError(err, 'request'), String(err)).toBe(true);
      expect(err.status).toBe(302);
      expect(err.executed).toBe('no');
      expect(err.message).toContain(`redirecting to ${elsewhere.url}/api/v3/depth?symbol=BTCUSDT`);
      expect(JSON.stringify(err)).not.toContain(API_KEY);
    },
  );

  it.each([
    ['followRedirect: false', false],
    ['a followRedirect function that follows', () => true],
  ] as const)('is refused the redirect whatever the caller set (%s)', async (_label, followRedirect) => {
    const elsewhere = await recorder();
    const exchange = await redirectingTo(elsewhere);
    const api = client(exchange.url, { followRedirect, hooks: { beforeRequest: [keyHook()] } });

    const err = await fail(api('api/v3/depth', { searchParams: { symbol: 'BTCUSDT' } }));

    expect(isBinanceError(err, 'request'), String(err)).toBe(true);
    expect(err.status).toBe(302);
    expect(elsewhere.requests).toEqual([]);
  });

  it("keeps off the host the clock's time request is redirected to", async () => {
    const ex = await createFakeExchange({
      accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000' } }],
    });
    defer(() => ex.close());
    const elsewhere = await recorder((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ serverTime: Date.now() }));
    });
    // In front of the exchange: the server time is "moved" to another host, everything else passes.
    const front = await recorder((req, res) => {
      if (req.url.startsWith('/api/v3/time')) {
        res.writeHead(302, { location: `${elsewhere.url}${req.url}`, 'content-length': '0' }).end();
        return;
      }
      const upstream = new URL(ex.url);
      const headers = { ...req.headers, host: upstream.host };
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(req.body);
    });
    const api = client(front.url, { hooks: { beforeRequest: [keyHook()] } });

    // A signed call, whose clock asks the server time first; the call's outcome is not the point.
    await api('api/v3/account').catch(() => undefined);

    expect(front.requests.some((r) => r.url.startsWith('/api/v3/time'))).toBe(true);
    expect(elsewhere.requests.filter(carriesCredentials)).toEqual([]);
  });
});

describe('got: a public read without the key', () => {
  it('follows a redirect as got is configured to', async () => {
    const elsewhere = await recorder((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"lastUpdateId":1,"bids":[],"asks":[]}');
    });
    const exchange = await redirectingTo(elsewhere);

    // The clock's samples of /api/v3/time, which the guard's first call starts, follow it as well.
    const depths = () => elsewhere.requests.filter((r) => r.url.startsWith('/api/v3/depth'));
    const followed = await client(exchange.url)('api/v3/depth', { searchParams: { symbol: 'BTCUSDT' } }).json();
    expect(followed).toEqual({ lastUpdateId: 1, bids: [], asks: [] });
    expect(depths().map((r) => r.url)).toEqual(['/api/v3/depth?symbol=BTCUSDT']);

    // The caller's own function decides: here it declines, and the caller gets the 302 itself.
    const declined = await client(exchange.url, { followRedirect: () => false })('api/v3/depth', {
      searchParams: { symbol: 'BTCUSDT' },
    });
    expect(declined.statusCode).toBe(302);
    expect(depths().length).toBe(1);
  });
});
