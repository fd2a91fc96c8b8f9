import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { Spot, SpotRestAPI } from '@binance/spot';
import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import {
  type BinanceError,
  type BinanceErrorsOptions,
  BinanceGuard,
  type BinanceGuardOptions,
  classify,
  isBinanceError,
} from '@binance-errors/core';
import { createFakeExchange, type FakeExchange, type FakeExchangeOptions } from '@binance-errors/testing';
import axios, { type AxiosInstance } from 'axios';
import axiosRetry from 'axios-retry';
import { MainClient } from 'binance';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { extractTs } from '../../docs/scripts/check-snippets.ts';
import { deferredCleanups } from './support/lifecycle.ts';

// The clients teams actually run, with the plugin installed where each one sends: the official connector on the
// default axios instance, `binance` on its own copy of axios, axios-retry on an instance. Each refusal the plugin
// makes before sending must reach the caller as that client reports the exchange's own answer in that state — at
// once, with nothing sent.

const API_KEY = 'real-clients-api-key-0123456789abcdef';
const API_SECRET = 'real-clients-api-secret-0123456789abcdef';

/** The axios the `binance` package sends through: its own copy when npm nested one, else the root one. */
const binanceAxios: AxiosInstance = (() => {
  const load = createRequire(createRequire(import.meta.url).resolve('binance'));
  const loaded = load('axios') as AxiosInstance & { default?: AxiosInstance };
  return loaded.default ?? loaded;
})();

const defer = deferredCleanups();

interface Setup {
  ex: FakeExchange;
  guard: BinanceGuard;
  /** The connector, on the default axios instance with the plugin. */
  spot: Spot['restAPI'];
  /** `binance`'s client, on its axios with the plugin. */
  main: MainClient;
}

const WEIGHT = (limit: number, intervalMs: number) => ({
  rateLimitType: 'REQUEST_WEIGHT' as const,
  interval: 'MINUTE' as const,
  intervalNum: 1,
  limit,
  intervalMs,
});

async function setup(
  exchange: FakeExchangeOptions = {},
  guardOptions: BinanceGuardOptions = {},
  plugin: Partial<BinanceErrorsOptions> = {},
): Promise<Setup> {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000000', BTC: '100' } }],
    ...exchange,
  });
  defer(() => ex.close());
  const guard = new BinanceGuard(ex.url, { throttle: { maxWaitMs: 1000 }, ...guardOptions });
  defer(() => guard.close());
  const options: BinanceErrorsOptions = { apiKey: API_KEY, apiSecret: API_SECRET, guard, origins: [ex.url], ...plugin };
  // The default axios instance is the whole process's: the interceptor is removed after each test.
  defer(axiosPlugin(options).install(axios));
  defer(axiosPlugin(options).install(binanceAxios));
  const spot = new Spot({
    // The connector's defaults: 3 retries of GET/DELETE with a 1 s, 2 s, 3 s backoff.
    configurationRestAPI: { apiKey: API_KEY, apiSecret: API_SECRET, basePath: ex.url },
  }).restAPI;
  const main = new MainClient({ api_key: API_KEY, api_secret: API_SECRET, baseUrl: ex.url, disableTimeSync: true });
  return { ex, guard, spot, main };
}

/** Another process on the same IP spends the weight until the exchange answers `status`. */
async function spendUntil(ex: FakeExchange, status: 418 | 429): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const response = await fetch(`${ex.url}/api/v3/depth?symbol=BTCUSDT&limit=1000`);
    await response.arrayBuffer();
    if (response.status === status) return;
  }
  throw new Error(`the exchange never answered ${status}`);
}

/** What a call ends in, and how long it took (ms). */
async function outcome(call: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await call();
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error('the call succeeded');
}

const ORDER = {
  symbol: 'BTCUSDT',
  side: SpotRestAPI.NewOrderSideEnum.BUY,
  type: SpotRestAPI.NewOrderTypeEnum.MARKET,
  quantity: 0.01,
};

/** `binance`'s error for a refused call: its plain object, built from the exchange's answer. */
interface BinancePackageError {
  code: number;
  message: string;
  body: { code: number; msg: string };
  headers: Record<string, string>;
  requestUrl: string;
}

describe('real clients: @binance/spot, binance and axios-retry with the plugin installed', () => {
  it('invalid symbol: the connector throws BadRequestError -1121, `binance` its plain object; classify() types both', async () => {
    const { spot, main } = await setup();
    const connector = await outcome(() => spot.depth({ symbol: 'NOPE' }));
    expect(connector.error).toBeInstanceOf(Error);
    expect(connector.error).toMatchObject({ name: 'BadRequestError', code: -1121, message: 'Invalid symbol.' });
    const fromPackage = await outcome(() => main.getOrderBook({ symbol: 'NOPE' }));
    expect(fromPackage.error).toMatchObject({ code: -1121, message: 'Invalid symbol.', body: { code: -1121 } });
    for (const { error } of [connector, fromPackage]) {
      const err = classify({ error });
      expect(err).toMatchObject({ code: -1121, category: 'request', executed: 'no', retryable: false });
    }
  });

  it('skew +7 s: signed calls of both clients succeed, no -1021 reaches the caller', async () => {
    const { ex, spot, main } = await setup();
    ex.setSkew(7000);
    const account = await spot.getAccount();
    expect(account.status).toBe(200);
    await expect(main.getAccountInformation()).resolves.toMatchObject({ balances: expect.any(Array) });
    const placed = await spot.newOrder(ORDER);
    expect((await placed.data()).status).toBe('FILLED');
    expect(ex.findRequests({ path: '/api/v3/account' }).map((r) => r.code)).not.toContain(-1021);
  });

  for (const banMs of [3000, 120_000]) {
    it(`a 418 ban of ${banMs / 1000} s: RateLimitBanError at once from the connector, Binance's answer from \`binance\`, nothing sent during the ban`, async () => {
      const { ex, spot, main } = await setup({
        rateLimits: [WEIGHT(200, 1500)],
        ban: { after429s: 0, durationsMs: [banMs] },
      });
      await spendUntil(ex, 418);
      // The first call reaches the exchange, which answers 418: the plugin learns the ban.
      const first = await outcome(() => spot.depth({ symbol: 'BTCUSDT' }));
      expect(first.error).toMatchObject({ name: 'RateLimitBanError', code: -1003 });
      const bannedUntil = ex.client().bannedUntil!;
      const sent = ex.requests.length;

      for (let i = 0; i < 5; i++) {
        const refused = await outcome(() => spot.depth({ symbol: 'BTCUSDT' }));
        expect(refused.error).toMatchObject({ name: 'RateLimitBanError', code: -1003 });
        expect((refused.error as Error).message).toMatch(/IP banned until \d+/);
        expect(refused.ms).toBeLessThan(1000); // the connector's own retry would take 1 s at least
        const err = classify({ error: refused.error });
        expect(err).toMatchObject({ category: 'ip-ban', code: -1003, executed: 'no', retryable: true });
        expect(Math.abs(err.bannedUntil!.getTime() - bannedUntil)).toBeLessThan(1000);
      }
      const signed = await outcome(() => spot.newOrder(ORDER));
      expect(signed.error).toMatchObject({ name: 'RateLimitBanError', code: -1003 });

      const plain = (await outcome(() => main.getOrderBook({ symbol: 'BTCUSDT' }))).error as BinancePackageError;
      expect(typeof plain).toBe('object');
      expect(plain).toMatchObject({ code: -1003, body: { code: -1003 }, requestUrl: `${ex.url}/api/v3/depth` });
      expect(plain.message).toMatch(/^Way too much request weight used; IP banned until \d+\./);
      expect(Number(plain.headers['retry-after'])).toBeGreaterThanOrEqual(Math.floor((banMs - 1000) / 1000));
      expect(classify({ error: plain })).toMatchObject({ category: 'ip-ban', executed: 'no' });

      expect(ex.requests.length, 'requests that reached the exchange during the ban').toBe(sent);
      if (banMs > 10_000) return;
      // Once the ban is over (and the limiter's 100 ms guard for clock error), calls go out again.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, bannedUntil - ex.now()) + 150));
      await expect(spot.depth({ symbol: 'BTCUSDT' }).then((r) => r.status)).resolves.toBe(200);
    });
  }

  it('a 429 with Retry-After longer than maxWaitMs: TooManyRequestsError at once, nothing sent during the pause', async () => {
    const { ex, spot, main } = await setup({ rateLimits: [WEIGHT(200, 20_000)], ban: false });
    await spendUntil(ex, 429);
    const first = await outcome(() => spot.depth({ symbol: 'BTCUSDT' }));
    expect(first.error).toMatchObject({ name: 'TooManyRequestsError', code: -1003 });
    const sent = ex.requests.length;
    for (let i = 0; i < 5; i++) {
      const refused = await outcome(() => spot.depth({ symbol: 'BTCUSDT' }));
      expect(refused.error).toMatchObject({ name: 'TooManyRequestsError', code: -1003 });
      expect(refused.ms).toBeLessThan(1000);
      expect(classify({ error: refused.error })).toMatchObject({ category: 'rate-limit', executed: 'no' });
    }
    const order = await outcome(() => spot.newOrder(ORDER));
    expect(order.error).toMatchObject({ name: 'TooManyRequestsError' });
    const plain = (await outcome(() => main.getOrderBook({ symbol: 'BTCUSDT' }))).error as BinancePackageError;
    expect(plain).toMatchObject({ code: -1003, body: { code: -1003 } });
    expect(Number(plain.headers['retry-after'])).toBeGreaterThan(1);
    expect(ex.requests.length, 'requests that reached the exchange during the pause').toBe(sent);
  });

  it('a -1008 storm: the breaker opens, then both clients get the 503 -1008 answer without sending', async () => {
    const { ex, spot, main } = await setup(
      {},
      { breaker: { consecutiveFailures: 3, resetTimeoutMs: 60_000 }, retry: { reads: 0 } },
    );
    ex.storm({ durationMs: 60_000 });
    const fast = new Spot({
      configurationRestAPI: { apiKey: API_KEY, apiSecret: API_SECRET, basePath: ex.url, retries: 0 },
    }).restAPI;
    for (let i = 0; i < 3; i++) {
      const { error } = await outcome(() => fast.depth({ symbol: 'BTCUSDT' }));
      expect(error).toMatchObject({ name: 'ServerError', statusCode: 503 });
    }
    const sent = ex.requests.length;
    // An order (which the connector never retries) gets the 503 at once. (A GET it would retry after 1 s, 2 s, 3 s:
    // each retry is refused the same way, and none is sent.)
    const order = await outcome(() => spot.newOrder(ORDER));
    expect(order.error).toMatchObject({ name: 'ServerError', statusCode: 503 });
    expect(order.ms).toBeLessThan(1000);
    expect(classify({ error: order.error })).toMatchObject({ category: 'unknown-outcome', status: 503 });
    const plain = (await outcome(() => main.getOrderBook({ symbol: 'BTCUSDT' }))).error as BinancePackageError;
    expect(plain).toMatchObject({ code: -1008, body: { code: -1008 } });
    expect(classify({ error: plain })).toMatchObject({ category: 'server-busy', code: -1008 });
    expect(ex.requests.length, 'requests sent while the breaker was open').toBe(sent);
  });

  it('an order answered -1007: the connector says ServerError 503, `binance` -1007; classify() says executed unknown', async () => {
    const { ex, spot, main } = await setup();
    ex.fault({ kind: 'timeout', placed: true, match: { method: 'POST', path: '/api/v3/order' } });
    const connector = await outcome(() => spot.newOrder(ORDER));
    expect(connector.error).toMatchObject({ name: 'ServerError', statusCode: 503 });
    expect(classify({ error: connector.error })).toMatchObject({ category: 'unknown-outcome', executed: 'unknown' });
    const fromPackage = await outcome(() =>
      main.submitNewOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.02 }),
    );
    expect(fromPackage.error).toMatchObject({ code: -1007, body: { code: -1007 } });
    expect(classify({ error: fromPackage.error })).toMatchObject({
      category: 'unknown-outcome',
      code: -1007,
      executed: 'unknown',
    });
    // Both orders executed once; neither client sent one twice.
    expect(ex.orders(API_KEY).length).toBe(2);
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(2);
  });

  it('every error raised before sending names the caller’s request, never the clock’s', async () => {
    const { ex, guard } = await setup({
      rateLimits: [WEIGHT(200, 1500)],
      ban: { after429s: 0, durationsMs: [60_000] },
    });
    await spendUntil(ex, 418);
    const api = axios.create({ baseURL: ex.url });
    defer(axiosPlugin({ apiKey: API_KEY, apiSecret: API_SECRET, guard }).install(api));
    // An unsigned call learns the ban; the signed POST would sync the clock first (GET /api/v3/time).
    await api.get('/api/v3/depth', { params: { symbol: 'BTCUSDT' } }).catch(() => {});
    const { error } = await outcome(() =>
      api.post('/api/v3/order', null, { params: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '1' } }),
    );
    const err = error as BinanceError & { config?: { url?: string; method?: string }; isAxiosError?: boolean };
    expect(isBinanceError(err, 'ip-ban')).toBe(true);
    expect(err.message).toContain('POST /api/v3/order was not sent');
    expect(err.message).not.toContain('/api/v3/time');
    expect(err.request).toEqual({ method: 'POST', url: expect.stringContaining('/api/v3/order?symbol=BTCUSDT') });
    expect(err).toMatchObject({ sent: false, executed: 'no', status: 418, code: -1003 });
    expect(err.response).toMatchObject({ status: 418, data: { code: -1003 } });
    expect(axios.isAxiosError(err)).toBe(true);
    expect(err.config).toMatchObject({ method: 'post', url: '/api/v3/order' });

    // A caller-signed request's key and signature stay out of the config the error carries.
    const keyless = axios.create({ baseURL: ex.url });
    defer(axiosPlugin({ guard }).install(keyless));
    const signed = await outcome(() =>
      keyless.get('/api/v3/account', {
        params: new URLSearchParams({ timestamp: '1', signature: 'caller-signature-abcdef0123456789' }),
        headers: { 'X-MBX-APIKEY': API_KEY },
      }),
    );
    const view = inspect((signed.error as { config?: unknown }).config, { depth: Number.POSITIVE_INFINITY });
    expect(signed.error).toMatchObject({ sent: false, status: 418, request: { method: 'GET' } });
    expect(view).toContain('/api/v3/account');
    expect(view).not.toContain(API_KEY);
    expect(view).not.toContain('caller-signature-abcdef0123456789');
  });

  describe('axios-retry (default condition) on an instance with the plugin', () => {
    async function withRetry(ex: FakeExchange, guard: BinanceGuard) {
      const api = axios.create({ baseURL: ex.url });
      defer(axiosPlugin({ apiKey: API_KEY, apiSecret: API_SECRET, guard }).install(api));
      let retries = 0;
      axiosRetry(api, { retryDelay: () => 0, onRetry: () => void retries++ });
      return { api, retries: () => retries };
    }

    it('never retries a read refused during a 429 pause', async () => {
      const { ex, guard } = await setup({ rateLimits: [WEIGHT(200, 20_000)], ban: false });
      await spendUntil(ex, 429);
      const { api, retries } = await withRetry(ex, guard);
      const first = await outcome(() => api.get('/api/v3/depth', { params: { symbol: 'BTCUSDT' } }));
      expect(first.error).toMatchObject({ status: 429 });
      const asked = retries();
      const sent = ex.requests.length;
      const refused = await outcome(() => api.get('/api/v3/depth', { params: { symbol: 'BTCUSDT' } }));
      expect(refused.error).toMatchObject({ sent: false, status: 429, response: { status: 429 } });
      expect(retries() - asked, 'retries axios-retry made of the refused call').toBe(0);
      expect(ex.requests.length).toBe(sent);
    });

    it('never retries a placement answered 5xx or -1007', async () => {
      const { ex, guard } = await setup();
      const { api, retries } = await withRetry(ex, guard);
      ex.fault({ kind: 'timeout', placed: true, match: { method: 'POST', path: '/api/v3/order' } });
      const { error } = await outcome(() =>
        api.post('/api/v3/order', null, { params: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '1' } }),
      );
      expect(error).toMatchObject({ code: -1007, executed: 'unknown', config: { method: 'post' } });
      expect(retries()).toBe(0);
      expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(1);
    });
  });

  describe('docs/guide/migrating.md: its examples, as written, against the fake exchange', () => {
    const examples = new URL('./.examples/', import.meta.url);
    afterAll(() => rmSync(examples, { recursive: true, force: true }));
    let runs = 0;

    /** The first ```ts block under the guide's heading `## <heading>`. */
    function example(heading: string): string {
      const guide = readFileSync(new URL('../../docs/guide/migrating.md', import.meta.url), 'utf8');
      const start = guide.indexOf(`\n## ${heading}\n`);
      expect(start, `heading "${heading}"`).toBeGreaterThan(-1);
      const end = guide.indexOf('\n## ', start + 1);
      const [block] = extractTs(guide.slice(start, end === -1 ? undefined : end), 'migrating.md');
      return block!.code;
    }

    /**
     * Runs an example as a module and returns what it logged. Two edits point it at the fake exchange: its URL
     * replaces Binance's, and the plugin lists it in `origins` (it is not one of Binance's hosts).
     */
    async function run(code: string, ex: FakeExchange): Promise<string[]> {
      const pointed = code
        .replaceAll("'https://api.binance.com'", `'${ex.url}'`)
        .replaceAll('binanceErrors({', `binanceErrors({ origins: ['${ex.url}'], `);
      expect(pointed).toContain(`origins: ['${ex.url}']`);
      mkdirSync(examples, { recursive: true });
      const file = new URL(`migrating-${runs++}.ts`, examples);
      writeFileSync(file, `${pointed}\nexport {};\n`);
      const installed = [axios, binanceAxios].map((instance) => ({ instance, from: handlers(instance) }));
      const env = { ...process.env };
      Object.assign(process.env, { BINANCE_API_KEY: API_KEY, BINANCE_API_SECRET: API_SECRET });
      const lines: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      });
      try {
        await import(/* @vite-ignore */ file.href);
      } finally {
        log.mockRestore();
        process.env = env;
        // The example installs the plugin for good; the test takes it off the process-wide instances again.
        for (const { instance, from } of installed) {
          for (let id = from; id < handlers(instance); id++) instance.interceptors.request.eject(id);
        }
      }
      defer(() => BinanceGuard.shared(ex.url).close());
      return lines;
    }

    function handlers(instance: AxiosInstance): number {
      return (instance.interceptors.request as unknown as { handlers: unknown[] }).handlers.length;
    }

    async function bannable(): Promise<FakeExchange> {
      const ex = await createFakeExchange({
        accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '1000000', BTC: '100' } }],
        rateLimits: [WEIGHT(200, 1500)],
        ban: { after429s: 0, durationsMs: [120_000] },
      });
      defer(() => ex.close());
      return ex;
    }

    it('the connector example places an order, and types an order answered -1007', async () => {
      const code = example('From the official connector, `@binance/spot`');
      const ex = await bannable();
      expect(await run(code, ex)).toEqual(['FILLED']);
      ex.fault({ kind: 'timeout', placed: true, times: 1, match: { method: 'POST', path: '/api/v3/order' } });
      expect(await run(code, ex)).toEqual([
        'unknown-outcome undefined unknown',
        'the order may exist: look it up before placing it again',
      ]);
      expect(ex.orders(API_KEY).length).toBe(2);
    });

    it('the connector example types a ban, and sends nothing once the ban is known', async () => {
      const code = example('From the official connector, `@binance/spot`');
      const ex = await bannable();
      await spendUntil(ex, 418);
      expect(await run(code, ex)).toEqual(['ip-ban -1003 no']);
      const sent = ex.requests.length;
      expect(await run(code, ex)).toEqual(['ip-ban -1003 no']);
      expect(ex.requests.length, 'requests sent once the ban was known').toBe(sent);
    });

    it('the `binance` example reads the order book, and types a known ban', async () => {
      const code = example('From the `binance` package');
      const ex = await bannable();
      expect(await run(code, ex)).toEqual(['true']);
      await spendUntil(ex, 418);
      expect(await run(code, ex)).toEqual(['ip-ban -1003 no']);
      const sent = ex.requests.length;
      expect(await run(code, ex)).toEqual(['ip-ban -1003 no']);
      expect(ex.requests.length).toBe(sent);
    });
  });
});
