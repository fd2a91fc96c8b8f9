/**
 * The clients every per-client benchmark runs: each bare (as a user has it before installing binance-errors) and
 * with the plugin installed the documented one-line way. The plugin side comes from the conformance suite's
 * drivers, so a client gets benchmarked as soon as it has a driver there; plain fetch with a `BinanceGuard` is a
 * sanity row that shows the guard's cost without any client's hook machinery.
 */
import { createHmac } from 'node:crypto';
import { type BinanceErrorsOptions, createPlugin, isBinanceError } from '@binance-errors/core';
import axios from 'axios';
import got from 'got';
import ky from 'ky';
import { drivers } from '../../test/conformance/drivers.ts';
import { fetchTransport } from '../../test/support/fetchTransport.ts';

/** One request in client-neutral terms. */
export interface BenchRequest {
  method: 'GET' | 'POST';
  path: string;
  params: Record<string, string>;
  /** Whether Binance wants it signed (the bare clients sign it themselves, as a user would). */
  signed: boolean;
}

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

/** The query string a bare client sends: the parameters, stamped and signed when the endpoint is SIGNED. */
function queryOf(request: BenchRequest, credentials: BenchCredentials): string {
  const query = new URLSearchParams(request.params);
  if (!request.signed) return query.toString();
  query.set('timestamp', String(Date.now()));
  const payload = query.toString();
  return `${payload}&signature=${signatureOf(payload, credentials)}`;
}

function signatureOf(payload: string, credentials: BenchCredentials): string {
  return createHmac('sha256', credentials.apiSecret).update(payload).digest('hex');
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
function paramsOf(request: BenchRequest, credentials: BenchCredentials): Record<string, string> {
  if (!request.signed) return request.params;
  const params = { ...request.params, timestamp: String(Date.now()) };
  const payload = new URLSearchParams(params).toString();
  return { ...params, signature: signatureOf(payload, credentials) };
}

function headersOf(request: BenchRequest, credentials: BenchCredentials): Record<string, string> {
  return request.signed ? { 'X-MBX-APIKEY': credentials.apiKey } : {};
}

/**
 * The `headers` option of a signed request, to spread into a client's options; nothing for a public one, which a
 * user (and the plugin's drivers) would send without one: an empty `headers` still costs each client a merge.
 */
function keyHeaderOf(request: BenchRequest, credentials: BenchCredentials): { headers?: Record<string, string> } {
  return request.signed ? { headers: headersOf(request, credentials) } : {};
}

/**
 * Each client called exactly as its conformance driver calls it with the plugin (base URL option, parameters as an
 * object, the same timeout and body reading), so that installing the plugin is the only difference B1 measures.
 */
const bare: Record<string, BenchClient['bare']> = {
  axios: (baseUrl, credentials) => {
    const instance = axios.create({ baseURL: baseUrl });
    return settle(async (request) => {
      const res = await instance.request({
        method: request.method,
        url: request.path,
        timeout: 0,
        params: paramsOf(request, credentials),
        ...keyHeaderOf(request, credentials),
      });
      return res.status;
    });
  },
  ky: (baseUrl, credentials) => {
    const api = ky.create({ prefix: baseUrl });
    return settle(async (request) => {
      const res = await api(request.path.replace(/^\//, ''), {
        method: request.method,
        timeout: false,
        searchParams: paramsOf(request, credentials),
        ...keyHeaderOf(request, credentials),
      });
      const text = await res.text();
      if (text !== '') JSON.parse(text);
      return res.status;
    });
  },
  got: (baseUrl, credentials) => {
    const api = got.extend({ prefixUrl: baseUrl });
    return settle(async (request) => {
      const res = await api(request.path.replace(/^\//, ''), {
        method: request.method,
        responseType: 'json',
        searchParams: paramsOf(request, credentials),
        ...keyHeaderOf(request, credentials),
      });
      return res.statusCode;
    });
  },
};

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
  plugin: (baseUrl, options) => {
    const plugin = createPlugin(options);
    return settle(async (request) => {
      const url = `${baseUrl}${request.path}?${new URLSearchParams(request.params)}`;
      const res = await plugin.guardFor(url).run({ method: request.method, url }, fetchTransport, plugin.callOptions());
      await res.json();
      return res.status;
    });
  },
};

/**
 * fetch + BinanceGuard first, then every client that has a conformance driver (axios now; ky and got as their
 * adapters land), each paired with its bare twin.
 */
export function benchClients(): BenchClient[] {
  const list: BenchClient[] = [fetchClient];
  for (const driver of drivers) {
    const makeBare = bare[driver.name];
    if (!makeBare) continue;
    list.push({
      name: driver.name,
      bare: makeBare,
      plugin: (baseUrl, options) => {
        const call = driver.create(baseUrl, options);
        return settle(async (request) => {
          const res = await call({ method: request.method, path: request.path, params: request.params });
          return res.status;
        });
      },
    });
  }
  return list;
}

/** Only the clients with a plugin of their own (the shared-guard benchmarks use these). */
export function pluginClients(): BenchClient[] {
  return benchClients().filter((c) => c.name !== 'fetch');
}
