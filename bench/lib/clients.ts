/**
 * The clients every per-client benchmark runs: each bare (as a user has it before installing binance-errors) and
 * with the plugin installed the documented one-line way. Both come from the conformance suite's drivers, so a
 * client gets benchmarked as soon as it has a driver there; plain fetch with a `BinanceGuard` is a sanity row that
 * shows the guard's cost without any client's hook machinery.
 */
import { createHmac } from 'node:crypto';
import { type BinanceErrorsOptions, createPlugin, isBinanceError } from '@binance-errors/core';
import { type Driver, drivers } from '../../test/conformance/drivers.ts';
import { fetchTransport } from '../../test/support/fetchTransport.ts';

/** One request in client-neutral terms. */
export interface BenchRequest {
  method: 'GET' | 'POST';
  path: string;
  params: Record<string, string>;
  /** Whether Binance wants it signed (the bare clients sign it themselves, as a user would). */
  signed: boolean;
}

/** B1's public request, four in five of its mix: an unsigned ticker. */
export const TICKER: BenchRequest = {
  method: 'GET',
  path: '/api/v3/ticker/price',
  params: { symbol: 'BTCUSDT' },
  signed: false,
};

/** B1's signed request, one in five of its mix: the account's open orders, stamped and signed. */
export const OPEN_ORDERS: BenchRequest = {
  method: 'GET',
  path: '/api/v3/openOrders',
  params: { symbol: 'BTCUSDT' },
  signed: true,
};

/** Sends one request; resolves with the HTTP status for any answer, 0 when none came. Never rejects. */
export type Send = (request: BenchRequest) => Promise<number>;

export interface BenchCredentials {
  apiKey: string;
  apiSecret: string;
}

export interface BenchClient {
  name: string;
  /** The client without binance-errors: it signs signed requests with its own HMAC code. */
  bare(baseUrl: string, credentials: BenchCredentials): Send;
  /** The client with binance-errors installed. */
  plugin(baseUrl: string, options: BinanceErrorsOptions): Send;
}

export const BENCH_KEY: BenchCredentials = {
  apiKey: 'bench-api-key-0123456789abcdef0123456789abcdef',
  apiSecret: 'bench-api-secret-0123456789abcdef0123456789abcdef',
};

/** The fake exchange's account for {@link BENCH_KEY}, with a balance for the signed reads. */
export const BENCH_ACCOUNT = { apiKey: BENCH_KEY.apiKey, secret: BENCH_KEY.apiSecret, balances: { USDT: '1000' } };

/**
 * Spot's request-weight and raw-request limits set far above any benchmark's load, for the exchange and the guard
 * alike: where a benchmark measures cost rather than throttling, no request ever waits for budget.
 */
export const LIMITS_FAR_ABOVE_LOAD = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 1e12 },
  { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 1e12 },
] as const;

/** The query string a bare client sends: the parameters, stamped and signed when the endpoint is SIGNED. */
export function queryOf(request: BenchRequest, credentials: BenchCredentials): string {
  return new URLSearchParams(paramsOf(request, credentials)).toString();
}

/**
 * The HTTP status of an error a client throws for a non-2xx answer, a BinanceError's status, or 0 — also for the
 * plugin's local refusals (throttle, open breaker): they carry Binance's status for the same cause, but nothing was
 * sent, so no answer came.
 */
function statusOf(error: unknown): number {
  if (isBinanceError(error) && (error.category === 'throttled' || error.category === 'circuit-open')) return 0;
  const e = error as { status?: unknown; response?: { status?: unknown; statusCode?: unknown } } | null;
  const status = e?.response?.status ?? e?.response?.statusCode ?? e?.status;
  return typeof status === 'number' ? status : 0;
}

function settle(send: (request: BenchRequest) => Promise<number>): Send {
  return (request) => send(request).catch(statusOf);
}

/**
 * The parameters a bare client sends, as the object it takes them in: the request's own as they are, or, when the
 * endpoint is SIGNED, stamped and signed the way a user signs by hand (each client serializes these plain values
 * exactly as URLSearchParams does, so the signature holds).
 */
export function paramsOf(request: BenchRequest, credentials: BenchCredentials): Record<string, string> {
  if (!request.signed) return request.params;
  const params = { ...request.params, timestamp: String(Date.now()) };
  const payload = new URLSearchParams(params).toString();
  return { ...params, signature: createHmac('sha256', credentials.apiSecret).update(payload).digest('hex') };
}

export function headersOf(request: BenchRequest, credentials: BenchCredentials): Record<string, string> {
  return request.signed ? { 'X-MBX-APIKEY': credentials.apiKey } : {};
}

const fetchClient: BenchClient = {
  name: 'fetch',
  bare: (baseUrl, credentials) =>
    settle(async (request) => {
      const res = await fetch(`${baseUrl}${request.path}?${queryOf(request, credentials)}`, {
        method: request.method,
        headers: headersOf(request, credentials),
      });
      await res.json();
      return res.status;
    }),
  plugin: (baseUrl, options) => fetchWithGuard(createPlugin, baseUrl, options),
};

/** fetch + BinanceGuard as B1 calls it, with `make`: core's `createPlugin`, or another build's (`bench:ab`). */
export function fetchWithGuard(make: typeof createPlugin, baseUrl: string, options: BinanceErrorsOptions): Send {
  const plugin = make(options);
  return settle(async (request) => {
    const url = `${baseUrl}${request.path}?${new URLSearchParams(request.params)}`;
    const res = await plugin.guardFor(url).run({ method: request.method, url }, fetchTransport, plugin.callOptions());
    await res.json();
    return res.status;
  });
}

/**
 * fetch + BinanceGuard first, then every client that has a conformance driver, each called through that driver's
 * `Call` bare and with the plugin installed: the same calling code on both sides, so that installing the plugin is
 * the only difference B1 measures. Bare, a signed request carries the key and signature the bench puts in it, as a
 * user signing by hand would.
 */
export function benchClients(): BenchClient[] {
  const list: BenchClient[] = [fetchClient];
  for (const driver of drivers) {
    list.push({
      name: driver.name,
      bare: (baseUrl, credentials) => {
        const call = driver.bare(baseUrl);
        return settle(async (request) => {
          const res = await call({
            method: request.method,
            path: request.path,
            params: paramsOf(request, credentials),
            ...(request.signed && { headers: headersOf(request, credentials) }),
          });
          return res.status;
        });
      },
      plugin: (baseUrl, options) => pluginSend(driver, baseUrl, options),
    });
  }
  return list;
}

/** A client with its plugin, as B1 calls it: through the conformance driver, the plugin setting every parameter. */
export function pluginSend(driver: Driver, baseUrl: string, options: BinanceErrorsOptions): Send {
  const call = driver.create(baseUrl, options);
  return settle(async (request) => {
    const res = await call({ method: request.method, path: request.path, params: request.params });
    return res.status;
  });
}

/** Only the clients with a plugin of their own (the shared-guard benchmarks use these). */
export function pluginClients(): BenchClient[] {
  return benchClients().filter((c) => c.name !== 'fetch');
}
