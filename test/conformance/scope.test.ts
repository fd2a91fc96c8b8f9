import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import {
  type BinanceErrorsOptions,
  BinanceGuard,
  type BinanceGuardOptions,
  isBinanceError,
} from '@binance-errors/core';
import { binanceErrors as gotPlugin } from '@binance-errors/got';
import { binanceErrors as kyPlugin } from '@binance-errors/ky';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import got from 'got';
import ky from 'ky';
import { describe, expect, it } from 'vitest';
import { fail } from '../support/fail.ts';
import { drivers } from './drivers.ts';
import { deferredCleanups } from './support/lifecycle.ts';
import { carriesCredentials, type Recorder, startRecorder } from './support/recorder.ts';

// The rest of the composition table: what reaches other hosts through the same client, bodies as users write
// them, a plugin installed twice, and requests the caller signed itself.

const API_KEY = 'scope-api-key-0123456789abcdef0123';
const API_SECRET = 'scope-api-secret-0123456789abcdef0123';
const ORDER = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '20000' };

const defer = deferredCleanups();

async function exchange(): Promise<FakeExchange> {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000000', BTC: '100' } }],
  });
  defer(() => ex.close());
  return ex;
}

function guardFor(url: string, options: BinanceGuardOptions = {}): BinanceGuard {
  const guard = new BinanceGuard(url, options);
  defer(() => guard.close());
  return guard;
}

async function recorder(...args: Parameters<typeof startRecorder>): Promise<Recorder> {
  const r = await startRecorder(...args);
  defer(() => r.close());
  return r;
}

interface Reply {
  status: number;
  data: unknown;
}

/** One request, in each client's everyday words. */
interface Send {
  method?: 'GET' | 'POST';
  /** A path under the base URL, or an absolute URL. */
  url: string;
  /** An object for the client's object habit (axios `data`, ky `json`, got `json`). */
  json?: Record<string, unknown>;
  /** A body passed as it is (axios `data`, ky `body`, got `body`). */
  body?: unknown;
  headers?: Record<string, string>;
}

interface RawDriver {
  name: 'axios' | 'ky' | 'got';
  /** A client on `base` with the plugin installed `installs` times. */
  create(base: string, options: BinanceErrorsOptions, installs?: number): (send: Send) => Promise<Reply>;
}

const rawDrivers: RawDriver[] = [
  {
    name: 'axios',
    create(base, options, installs = 1) {
      const instance = axios.create({ baseURL: base });
      const plugin = axiosPlugin(options);
      for (let i = 0; i < installs; i++) plugin.install(instance);
      return async (send) => {
        const res = await instance.request({
          method: send.method ?? 'GET',
          url: send.url,
          ...(send.json !== undefined && { data: send.json }),
          ...(send.body !== undefined && { data: send.body }),
          ...(send.headers && { headers: send.headers }),
        });
        return { status: res.status, data: res.data };
      };
    },
  },
  {
    name: 'ky',
    create(base, options, installs = 1) {
      let api = ky.create({ prefix: base });
      const plugin = kyPlugin(options);
      for (let i = 0; i < installs; i++) api = api.extend(plugin);
      return async (send) => {
        const absolute = /^https?:/.test(send.url);
        const res = await api(absolute ? send.url : send.url.replace(/^\//, ''), {
          method: send.method ?? 'GET',
          ...(absolute && { prefix: '' }),
          ...(send.json !== undefined && { json: send.json }),
          ...(send.body !== undefined && { body: send.body as BodyInit }),
          ...(send.headers && { headers: send.headers }),
        });
        const text = await res.text();
        return { status: res.status, data: text === '' ? text : JSON.parse(text) };
      };
    },
  },
  {
    name: 'got',
    create(base, options, installs = 1) {
      const plugin = gotPlugin(options);
      const api = got.extend({ prefixUrl: base }, ...Array.from({ length: installs }, () => plugin));
      return async (send) => {
        const absolute = /^https?:/.test(send.url);
        const res = await api(absolute ? send.url : send.url.replace(/^\//, ''), {
          method: send.method ?? 'GET',
          responseType: 'json',
          ...(absolute && { prefixUrl: '' }),
          ...(send.json !== undefined && { json: send.json }),
          ...(send.body !== undefined && { body: send.body as string }),
          ...(send.headers && { headers: send.headers }),
        });
        return { status: res.statusCode, data: res.body };
      };
    },
  },
];

/** Bodies the exchange could not verify a signature over, per client. */
const unsignable: Record<RawDriver['name'], Array<[string, () => Pick<Send, 'body' | 'json'>, RegExp]>> = {
  axios: [
    ['FormData', () => ({ body: formData() }), /type FormData/],
    ['a stream', () => ({ body: Readable.from(['symbol=BTCUSDT']) }), /type Readable/],
    ['a nested object', () => ({ json: { ...ORDER, extra: { a: 1 } } }), /field "extra" is of type Object/],
  ],
  ky: [
    ['FormData', () => ({ body: formData() }), /type FormData/],
    // Refused unread, its file's stream failed inside undici after the call had settled: an unhandled rejection.
    ['FormData with a file', () => ({ body: formData(new Blob(['x'.repeat(100_000)])) }), /type FormData/],
    ['a Blob', () => ({ body: new Blob(['symbol=BTCUSDT']) }), /type Blob/],
    ['a ReadableStream', () => ({ body: Readable.toWeb(Readable.from(['symbol=BTCUSDT'])) }), /type ReadableStream/],
    ['an array in json', () => ({ json: { ...ORDER, list: [1, 2] } }), /field "list" is an array/],
  ],
  got: [
    ['FormData', () => ({ body: formData() }), /type FormData/],
    ['a stream', () => ({ body: Readable.from(['symbol=BTCUSDT']) }), /type Readable/],
    ['a nested json object', () => ({ json: { ...ORDER, extra: { a: 1 } } }), /field "extra" is of type Object/],
  ],
};

function formData(file?: Blob): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(ORDER)) form.append(k, v);
  if (file) form.append('file', file);
  return form;
}

/** Signs `query` as a caller would without the plugin: HMAC-SHA256 over the query string. */
function callerSigned(query: Record<string, string>): string {
  const text = new URLSearchParams(query).toString();
  return `${text}&signature=${createHmac('sha256', API_SECRET).update(text).digest('hex')}`;
}

describe.each(rawDrivers)('composition: $name', (driver) => {
  const withKeys = (guard: BinanceGuard): BinanceErrorsOptions => ({ apiKey: API_KEY, apiSecret: API_SECRET, guard });

  it('passes a request to a foreign host through the same client untouched: no key, no signature, body as sent', async () => {
    const ex = await exchange();
    const foreign = await recorder();
    const send = driver.create(ex.url, withKeys(guardFor(ex.url)));
    expect((await send({ url: '/api/v3/account' })).status).toBe(200);
    const hook = { text: 'order filled', nested: { deep: [1, 2] } };
    const reply = await send({ method: 'POST', url: `${foreign.url}/hooks/slack?channel=ops`, json: hook });
    expect(reply.status).toBe(200);
    await send({ url: `${foreign.url}/api/v3/account` });
    expect(foreign.requests.map((r) => [r.method, r.url])).toEqual([
      ['POST', '/hooks/slack?channel=ops'],
      ['GET', '/api/v3/account'],
    ]);
    expect(foreign.requests.filter(carriesCredentials)).toEqual([]);
    expect(foreign.requests[0]!.body).toBe(JSON.stringify(hook));
    expect(foreign.requests[0]!.headers['content-type']).toMatch(/^application\/json/);
  });

  it('passes a COIN-M Futures request on its own base URL through untouched: an API it does not know', async () => {
    const testnet = await recorder();
    const send = driver.create(testnet.url, withKeys(guardFor(testnet.url, { product: 'usdm' })));
    const order = { symbol: 'BTCUSD_PERP', side: 'BUY', type: 'MARKET', quantity: '1' };
    expect((await send({ method: 'POST', url: '/dapi/v1/order', json: order })).status).toBe(200);
    expect(testnet.requests.map((r) => [r.method, r.url])).toEqual([['POST', '/dapi/v1/order']]);
    expect(testnet.requests.filter(carriesCredentials)).toEqual([]);
    expect(testnet.requests[0]!.body).toBe(JSON.stringify(order));
  });

  it('never follows a redirect with the key or a signature: a typed error names where it pointed, nothing goes there', async () => {
    const foreign = await recorder();
    // A hostile proxy as the client's base URL: it redirects everything to the foreign host, signed query and all.
    const proxy = await recorder((req, res) => {
      if (req.url.startsWith('/api/v3/time')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ serverTime: Date.now() }));
      } else res.writeHead(302, { location: `${foreign.url}${req.url}` }).end();
    });
    const send = driver.create(proxy.url, withKeys(guardFor(proxy.url)));
    const read = await fail(send({ url: '/api/v3/account' }));
    const placed = await fail(send({ method: 'POST', url: '/api/v3/order', body: new URLSearchParams(ORDER) }));
    for (const err of [read, placed]) {
      expect(isBinanceError(err, 'request'), String(err)).toBe(true);
      expect(err.message).toContain(`redirecting to ${foreign.url}/api/v3/`);
      expect(err.message).toMatch(/signature=\[REDACTED\]/);
      expect(JSON.stringify(err)).not.toMatch(/signature=[0-9a-f]{64}/);
      expect((err as { status: number }).status).toBe(302);
    }
    expect((read as { executed: string }).executed).toBe('no');
    expect((placed as { executed: string }).executed).toBe('unknown');
    expect(proxy.requests.filter((r) => r.url.startsWith('/api/v3/account')).length).toBe(1);
    expect(foreign.requests).toEqual([]);
  });

  it.each(['X-MBX-APIKEY', 'x-mbx-apikey', 'X-Mbx-ApiKey'])(
    'never follows a redirect with a key the caller set itself (%s) on a public request, without credentials of its own',
    async (name) => {
      const foreign = await recorder();
      const proxy = await recorder((req, res) => {
        res.writeHead(302, { location: `${foreign.url}${req.url}` }).end();
      });
      const send = driver.create(proxy.url, { guard: guardFor(proxy.url) });
      const err = await fail(send({ url: '/api/v3/ticker/price?symbol=BTCUSDT', headers: { [name]: API_KEY } }));
      expect(isBinanceError(err, 'request'), String(err)).toBe(true);
      expect(err.message).toContain(`redirecting to ${foreign.url}/api/v3/ticker/price`);
      expect(JSON.stringify(err)).not.toContain(API_KEY);
      expect(foreign.requests).toEqual([]);
    },
  );

  it('signs a flat object body as form parameters and places the order once', async () => {
    const ex = await exchange();
    const send = driver.create(ex.url, withKeys(guardFor(ex.url)));
    const reply = await send({
      method: 'POST',
      url: '/api/v3/order',
      json: { ...ORDER, quantity: 0.01, price: 20000 },
    });
    expect(reply.status).toBe(200);
    expect(reply.data).toMatchObject({ symbol: 'BTCUSDT', status: 'NEW' });
    const sent = ex.requests.filter((r) => r.path === '/api/v3/order');
    expect(sent.map((r) => [r.signatureValid, r.params.quantity, r.params.price])).toEqual([[true, '0.01', '20000']]);
  });

  it.each(unsignable[driver.name])(
    'refuses %s as a body with a TypeError, sending nothing',
    async (_kind, body, message) => {
      const ex = await exchange();
      const send = driver.create(ex.url, withKeys(guardFor(ex.url)));
      const err = await fail(send({ method: 'POST', url: '/api/v3/order', ...body() }));
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toMatch(message);
      expect(ex.count({ path: '/api/v3/order' })).toBe(0);
    },
  );

  it('installed twice, behaves as once: weight charged once, one read retry, one -1021 retry', async () => {
    const ex = await exchange();
    const limits = [
      { rateLimitType: 'REQUEST_WEIGHT' as const, interval: 'MINUTE' as const, intervalNum: 1, limit: 12 },
    ];
    const guard = guardFor(ex.url, { throttle: { limits, safety: 1, maxWaitMs: 0 }, retry: { baseDelayMs: 1 } });
    const send = driver.create(ex.url, withKeys(guard), 2);
    // The 9 pings below (a retried one included) and the 3 /api/v3/time samples of the clock's sync, which the first
    // starts through the same client, fit in the budget only if each is charged once.
    expect((await send({ url: '/api/v3/ping' })).status).toBe(200);
    ex.fault({ kind: 'html', status: 502, times: 1, match: { path: '/api/v3/ping' } });
    expect((await send({ url: '/api/v3/ping' })).status).toBe(200);
    for (let i = 0; i < 6; i++) expect((await send({ url: '/api/v3/ping' })).status).toBe(200);
    expect(ex.count({ path: '/api/v3/ping' })).toBe(9);

    const resync = driver.create(ex.url, withKeys(guardFor(ex.url, { throttle: false })), 2);
    expect((await resync({ url: '/api/v3/account' })).status).toBe(200);
    ex.setSkew(6000);
    expect((await resync({ url: '/api/v3/account' })).status).toBe(200);
    expect(ex.requests.filter((r) => r.path === '/api/v3/account').map((r) => r.code)).toEqual([
      undefined,
      -1021,
      undefined,
    ]);
  });

  it('leaves a request the caller signed untouched without credentials, and does not re-send it after a -1021', async () => {
    const ex = await exchange();
    const send = driver.create(ex.url, { guard: guardFor(ex.url) });
    const query = () => callerSigned({ timestamp: String(Date.now()), recvWindow: '5000' });
    const ok = await send({ url: `/api/v3/account?${query()}`, headers: { 'X-MBX-APIKEY': API_KEY } });
    expect(ok.status).toBe(200);
    expect(ex.requests.filter((r) => r.path === '/api/v3/account').map((r) => [r.apiKey, r.signatureValid])).toEqual([
      [API_KEY, true],
    ]);
    ex.setSkew(-7000);
    const err = await fail(send({ url: `/api/v3/account?${query()}`, headers: { 'X-MBX-APIKEY': API_KEY } }));
    expect(isBinanceError(err, 'timestamp'), String(err)).toBe(true);
    expect((err as { hint: string }).hint).toMatch(/apiSecret \(or privateKey\)/);
    expect(ex.count({ path: '/api/v3/account' })).toBe(2);
    const text = JSON.stringify(err);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toMatch(/signature=[0-9a-f]{64}/);
  });
});

describe.each(drivers)('typed in every adapter: $name', (driver) => {
  it.each([
    ['an answer later than the client timeout', { kind: 'delay', ms: 300 } as const, 'timeout', /timed out|timeout/i],
    ['a body cut off after its headers', { kind: 'truncated' } as const, 'network', /cut off/],
  ])('types %s on an order as executed: unknown', async (_what, fault, category, message) => {
    const ex = await exchange();
    const call = driver.create(ex.url, { apiKey: API_KEY, apiSecret: API_SECRET, guard: guardFor(ex.url) });
    ex.fault({ ...fault, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
    const err = await fail(call({ method: 'POST', path: '/api/v3/order', form: ORDER, timeoutMs: 100 }));
    expect(isBinanceError(err), String(err)).toBe(true);
    expect((err as { category: string }).category).toBe(category);
    expect((err as { executed: string }).executed).toBe('unknown');
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/empty body/);
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
  });
});
