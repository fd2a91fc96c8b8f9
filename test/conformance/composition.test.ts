import { Spot } from '@binance/spot';
import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import { type BinanceErrorsOptions, BinanceGuard, Credentials, isBinanceError } from '@binance-errors/core';
import { binanceErrors as gotPlugin } from '@binance-errors/got';
import { binanceErrors as kyPlugin } from '@binance-errors/ky';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import axiosRetry, { isRetryableError } from 'axios-retry';
import got from 'got';
import ky from 'ky';
import { describe, expect, it } from 'vitest';
import { fetchTransport } from '../support/fetchTransport.ts';
import { underGarbageCollection } from './support/gc.ts';
import { deferredCleanups } from './support/lifecycle.ts';
import { carriesCredentials, startRecorder } from './support/recorder.ts';

// The composition table: the plugin inside the retry layers users bring. Every fault hits AFTER the order executed
// (-1007, a 5xx HTML page, a reset connection, an answer later than the client's timeout), so every re-send any
// layer asks for would execute the order again. The promise: each order executes exactly once.

const API_KEY = 'composition-api-key-0123456789abcdef';
const API_SECRET = 'composition-api-secret-0123456789abcdef';
const ORDERS = 200;
const CONCURRENCY = 8;
// Generous for loopback, so that on a loaded machine only the `delay` fault outlasts it: 150 ms was not, on a
// machine 2-3 times slower than the one this was written on, with the rest of the suite running beside it.
const CLIENT_TIMEOUT_MS = 300;

const defer = deferredCleanups();

async function exchange(): Promise<FakeExchange> {
  const ex = await createFakeExchange({
    accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '100000000', BTC: '1000' } }],
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 1_000_000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 1_000_000 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 10_000_000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 10_000_000 },
    ],
    ban: false,
  });
  const guard = new BinanceGuard(ex.url, { throttle: false, breaker: false });
  defer(() => ex.close());
  defer(() => guard.close());
  guards.set(ex, guard);
  // The clock's first sync takes several round trips: on a busy machine, orders waiting for it inside the client's
  // timeout would be aborted after they were handed to the client, their outcome unknown though none was sent.
  const credentials = new Credentials({ apiKey: API_KEY, apiSecret: API_SECRET });
  await guard.run({ method: 'GET', url: `${ex.url}/api/v3/openOrders` }, fetchTransport, { credentials });
  return ex;
}
const guards = new Map<FakeExchange, BinanceGuard>();

/** Faults after execution on the requests `match` selects: roughly a third of them are hit. */
function faultsAfterExecution(ex: FakeExchange, method: 'POST' | 'DELETE'): void {
  const match = { method, path: '/api/v3/order' };
  ex.fault({ kind: 'timeout', placed: true, probability: 0.1, match });
  ex.fault({ kind: 'html', status: 502, placed: true, probability: 0.1, match });
  ex.fault({ kind: 'reset', placed: true, probability: 0.1, match });
  ex.fault({ kind: 'delay', ms: CLIENT_TIMEOUT_MS * 3, probability: 0.07, match });
}

/** Order `i`'s parameters: its quantity tells it apart on the exchange. */
const order = (i: number) => ({
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'MARKET',
  quantity: (0.001 + i * 0.00001).toFixed(5),
});

/** A user's own retry loop: the same request object, sent up to 3 times until one call succeeds. */
async function threeTimes<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
}

async function runAll(count: number, one: (i: number) => Promise<unknown>): Promise<unknown[]> {
  const outcomes: unknown[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        outcomes[i] = await one(i).catch((e: unknown) => e);
      }
    }),
  );
  return outcomes;
}

/** How many times each of orders 0..count-1 executed on the exchange. */
function executions(ex: FakeExchange, count: number): number[] {
  const times = new Array<number>(count).fill(0);
  for (const o of ex.orders(API_KEY)) {
    const i = Math.round((Number(o.origQty) - 0.001) / 0.00001);
    times[i] = (times[i] ?? 0) + 1;
  }
  return times;
}

function pluginOptions(ex: FakeExchange, extra: Partial<BinanceErrorsOptions> = {}): BinanceErrorsOptions {
  return { apiKey: API_KEY, apiSecret: API_SECRET, guard: guards.get(ex)!, ...extra };
}

interface Setup {
  /** Places order `i` the way this composition does. */
  place(i: number): Promise<unknown>;
  /** How many re-sends the outer layer asked the plugin for. */
  resendsAsked(): number;
}

interface Composition {
  name: string;
  /** Whether the outer layer is expected to ask for re-sends under these faults. */
  asks: boolean;
  reconcile?: boolean;
  setup(ex: FakeExchange, reconcile: boolean): Setup;
}

/** An axios instance with the plugin, and the config each request went out with (for axios-retry, see below). */
function axiosInstance(ex: FakeExchange, reconcile: boolean, adapter?: 'fetch') {
  const instance = axios.create({ baseURL: ex.url, timeout: CLIENT_TIMEOUT_MS, ...(adapter && { adapter }) });
  instance.interceptors.request.use(axiosPlugin(pluginOptions(ex, { reconcile })));
  let asked = 0;
  instance.interceptors.request.use((config) => {
    asked++;
    return config;
  });
  // Requests beyond one per order are re-sends.
  return { instance, asked: () => Math.max(0, asked - ORDERS) };
}

const compositions: Composition[] = [
  ...[
    { label: 'retryCondition: () => true', retryCondition: () => true },
    { label: 'retryCondition: isRetryableError (POST included)', retryCondition: isRetryableError },
    { label: 'retryCondition: () => true', retryCondition: () => true, adapter: 'fetch' as const },
  ].map(
    ({ label, retryCondition, adapter }): Composition => ({
      name: `axios${adapter ? ` (${adapter} adapter)` : ''} + axios-retry (retries: 5, ${label}, no delay)`,
      asks: true,
      setup(ex, reconcile) {
        const { instance } = axiosInstance(ex, reconcile, adapter);
        // axios-retry re-sends `error.config`: the plugin's errors carry the caller's config (secrets removed).
        let asked = 0;
        axiosRetry(instance, {
          retries: 5,
          retryCondition,
          retryDelay: () => 0,
          shouldResetTimeout: true,
          onRetry: () => {
            asked++;
          },
        });
        return {
          place: (i) => instance.post('/api/v3/order', new URLSearchParams(order(i))),
          resendsAsked: () => asked,
        };
      },
    }),
  ),
  {
    name: 'axios + a user loop re-sending the same config object 3 times',
    asks: true,
    setup(ex, reconcile) {
      const { instance, asked } = axiosInstance(ex, reconcile);
      return {
        async place(i) {
          const config = { method: 'POST', url: '/api/v3/order', data: new URLSearchParams(order(i)) };
          return await threeTimes(() => instance.request(config));
        },
        resendsAsked: asked,
      };
    },
  },
  ...[false, true].map(
    (reconcile): Composition => ({
      name: `ky + retry { limit: 5, methods: all, retryOnTimeout, shouldRetry: () => true, delay: 0 }${reconcile ? ' + reconcile' : ''}`,
      asks: true,
      reconcile,
      setup(ex) {
        let asked = 0;
        const api = ky
          .create({ prefix: ex.url, timeout: CLIENT_TIMEOUT_MS })
          .extend(kyPlugin(pluginOptions(ex, { reconcile })))
          .extend({
            retry: {
              limit: 5,
              methods: ['get', 'post', 'put', 'patch', 'delete'],
              statusCodes: [408, 413, 429, 500, 502, 503, 504],
              retryOnTimeout: true,
              shouldRetry: () => true,
              delay: () => 0,
            },
            hooks: {
              beforeRetry: [
                () => {
                  asked++;
                },
              ],
            },
          });
        return {
          place: (i) => api.post('api/v3/order', { body: new URLSearchParams(order(i)) }).json(),
          resendsAsked: () => asked,
        };
      },
    }),
  ),
  {
    name: 'ky + a user loop re-sending the same options object 3 times',
    asks: false,
    setup(ex, reconcile) {
      const api = ky
        .create({ prefix: ex.url, timeout: CLIENT_TIMEOUT_MS })
        .extend(kyPlugin(pluginOptions(ex, { reconcile })));
      return {
        async place(i) {
          const options = { json: order(i) };
          return await threeTimes(() => api.post('api/v3/order', options).json());
        },
        resendsAsked: () => 0,
      };
    },
  },
  {
    name: 'got + a user loop re-sending the same options object 3 times',
    asks: false,
    setup(ex, reconcile) {
      const api = got.extend(
        { prefixUrl: ex.url, timeout: { request: CLIENT_TIMEOUT_MS } },
        gotPlugin(pluginOptions(ex, { reconcile })),
      );
      return {
        async place(i) {
          const options = { json: order(i) };
          return await threeTimes(() => api.post('api/v3/order', options).json());
        },
        resendsAsked: () => 0,
      };
    },
  },
  {
    name: 'got + retry { limit: 5, methods: all, statusCodes and errorCodes: all, 1 ms delay }',
    // got's retry runs below the plugin's handler, which turns it off for each attempt it sends.
    asks: false,
    setup(ex, reconcile) {
      let asked = 0;
      const api = got.extend(
        {
          prefixUrl: ex.url,
          timeout: { request: CLIENT_TIMEOUT_MS },
          retry: {
            limit: 5,
            methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
            statusCodes: [408, 413, 429, 500, 502, 503, 504, 521, 522, 524],
            errorCodes: ['ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND'],
            calculateDelay: ({ computedValue }) => (computedValue > 0 ? 1 : 0),
          },
          hooks: {
            beforeRetry: [
              () => {
                asked++;
              },
            ],
          },
        },
        gotPlugin(pluginOptions(ex, { reconcile })),
      );
      return {
        place: (i) => api.post('api/v3/order', { form: order(i) }).json(),
        resendsAsked: () => asked,
      };
    },
  },
];

describe('composition: each order executes once whatever retries around the plugin', () => {
  it.each(compositions)('$name', async (composition) => {
    const ex = await exchange();
    const reconcile = composition.reconcile ?? false;
    const { place, resendsAsked } = composition.setup(ex, reconcile);
    faultsAfterExecution(ex, 'POST');
    // Under steady garbage collection: a client whose abort stops reaching the wire after a GC shows here.
    const outcomes = await underGarbageCollection(runAll(ORDERS, place));

    const faulted = ex.requests.filter((r) => r.method === 'POST' && r.fault !== undefined).length;
    expect(faulted, 'faults hit').toBeGreaterThan(ORDERS / 5);
    if (composition.asks) expect(resendsAsked(), 're-sends the outer layer asked for').toBeGreaterThan(0);
    // No order executed twice, and nothing reached the exchange twice.
    const times = executions(ex, ORDERS);
    expect(Math.max(...times), 'most executions of one order').toBe(1);
    expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(times.filter((t) => t === 1).length);
    // An order that never executed was never sent: its call failed before sending, and says so.
    times.forEach((t, i) => {
      if (t === 0) expect((outcomes[i] as { executed?: string }).executed, String(outcomes[i])).toBe('no');
    });
    expect(times.filter((t) => t === 1).length).toBeGreaterThan(ORDERS * 0.9);
    const failures = outcomes.filter((o) => o instanceof Error);
    for (const failure of failures) expect(isBinanceError(failure), String(failure)).toBe(true);
    expect(failures.length).toBeGreaterThanOrEqual(reconcile ? 0 : faulted);
    // With reconcile, an order that was placed is found and the call resolves.
    if (reconcile) expect(failures.filter((f) => isBinanceError(f, 'unknown-outcome')).length).toBe(0);
  });

  describe('the official connector @binance/spot on the default axios instance', () => {
    async function connector(ex: FakeExchange) {
      // The connector sends through the default axios instance: the plugin goes there, acting on the fake's origin.
      const remove = axiosPlugin(pluginOptions(ex, { origins: [ex.url] })).install(axios);
      defer(remove);
      const spot = new Spot({
        configurationRestAPI: {
          apiKey: API_KEY,
          apiSecret: API_SECRET,
          basePath: ex.url,
          retries: 5,
          backoff: 0,
          timeout: CLIENT_TIMEOUT_MS,
        },
      });
      return spot.restAPI;
    }

    it("leaves the app's other calls on the default instance untouched: a webhook gets no key or signature", async () => {
      const ex = await exchange();
      const api = await connector(ex);
      const webhook = await startRecorder();
      defer(() => webhook.close());
      await api.getAccount();
      await axios.post(`${webhook.url}/hooks/fills`, { text: 'filled', qty: 1 });
      await axios.get(`${webhook.url}/api/v3/account?recvWindow=5000`);
      expect(webhook.requests.length).toBe(2);
      expect(webhook.requests.filter(carriesCredentials)).toEqual([]);
      expect(webhook.requests[0]!.body).toBe('{"text":"filled","qty":1}');
      expect(ex.requests.filter((r) => r.path === '/api/v3/account').map((r) => r.signatureValid)).toEqual([true]);
    });

    it('places each order once (the connector never retries a POST)', async () => {
      const ex = await exchange();
      const api = await connector(ex);
      faultsAfterExecution(ex, 'POST');
      await runAll(ORDERS, (i) => api.newOrder(order(i) as unknown as Parameters<typeof api.newOrder>[0]));
      expect(ex.requests.filter((r) => r.fault !== undefined).length).toBeGreaterThan(ORDERS / 5);
      expect(executions(ex, ORDERS)).toEqual(new Array(ORDERS).fill(1));
      expect(ex.count({ method: 'POST', path: '/api/v3/order' })).toBe(ORDERS);
    });

    it('sends each cancel once although the connector retries DELETE after a 5xx or a lost answer', async () => {
      const ex = await exchange();
      const api = await connector(ex);
      faultsAfterExecution(ex, 'DELETE');
      let asked = 0;
      const id = axios.interceptors.request.use((config) => {
        if (config.method?.toUpperCase() === 'DELETE') asked++;
        return config;
      });
      defer(() => axios.interceptors.request.eject(id));
      let placedOrders = 0;
      await runAll(ORDERS, async (i) => {
        const placed = await api.newOrder({
          ...order(i),
          type: 'LIMIT',
          timeInForce: 'GTC',
          price: '20000',
        } as unknown as Parameters<typeof api.newOrder>[0]);
        const { orderId } = (await placed.data()) as { orderId: number };
        placedOrders++;
        await api.deleteOrder({ symbol: 'BTCUSDT', orderId }).catch((e: unknown) => e);
      });
      const cancels = ex.requests.filter((r) => r.method === 'DELETE');
      expect(cancels.filter((r) => r.fault !== undefined).length).toBeGreaterThan(ORDERS / 5);
      expect(placedOrders).toBeGreaterThan(ORDERS * 0.9);
      expect(asked, 'cancels the connector asked for, retries included').toBeGreaterThan(placedOrders);
      const perOrder = new Map<string, number>();
      for (const r of cancels)
        perOrder.set(String(r.params.orderId), (perOrder.get(String(r.params.orderId)) ?? 0) + 1);
      expect(perOrder.size).toBe(placedOrders);
      expect(Math.max(...perOrder.values())).toBe(1);
      expect(ex.orders(API_KEY).filter((o) => o.status === 'CANCELED').length).toBe(placedOrders);
    });
  });
});
