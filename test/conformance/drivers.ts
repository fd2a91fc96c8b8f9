import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import type { BinanceErrorsOptions, BinanceRequestOptions } from '@binance-errors/core';
import { binanceErrors as gotPlugin } from '@binance-errors/got';
import { binanceErrors as kyPlugin } from '@binance-errors/ky';
import axios, { type AxiosInstance } from 'axios';
import got, { type Got } from 'got';
import ky, { type KyInstance } from 'ky';

/** One request as a scenario states it; each driver says it in its client's own words. */
export interface CallSpec {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** Query parameters. */
  params?: Record<string, string>;
  /** Form body parameters (x-www-form-urlencoded). */
  form?: Record<string, string>;
  /** Request headers of the caller's own (a bare client sends its API key this way). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  binance?: BinanceRequestOptions;
  /** Client-side timeout, ms. */
  timeoutMs?: number;
}

/** What came back, in a client-neutral shape. */
export interface CallResult {
  status: number;
  data: unknown;
}

export type Call = (spec: CallSpec) => Promise<CallResult>;

/** Builds a client of one library, with binance-errors installed the documented one-line way. */
export interface Driver {
  name: 'axios' | 'ky' | 'got';
  create(baseUrl: string, options: BinanceErrorsOptions): Call;
  /** The same client called the same way, without binance-errors (the benchmarks' baseline). */
  bare(baseUrl: string): Call;
}

/**
 * Each client's `binanceErrors()`: the packages' own, or another build's (`npm run bench:ab` installs a git
 * revision's beside them).
 */
export interface Plugins {
  axios: typeof axiosPlugin;
  ky: typeof kyPlugin;
  got: typeof gotPlugin;
}

/** The drivers of the three clients, each installing its plugin from `plugins`. */
export function driversOf(plugins: Plugins): Record<Driver['name'], Driver> {
  return {
    axios: {
      name: 'axios',
      create(baseUrl, options) {
        const instance = axios.create({ baseURL: baseUrl });
        instance.interceptors.request.use(plugins.axios(options));
        return axiosCall(instance);
      },
      bare: (baseUrl) => axiosCall(axios.create({ baseURL: baseUrl })),
    },
    ky: {
      name: 'ky',
      create: (baseUrl, options) => kyCall(ky.create({ prefix: baseUrl }).extend(plugins.ky(options))),
      bare: (baseUrl) => kyCall(ky.create({ prefix: baseUrl })),
    },
    got: {
      name: 'got',
      create: (baseUrl, options) => gotCall(got.extend({ prefixUrl: baseUrl }, plugins.got(options))),
      bare: (baseUrl) => gotCall(got.extend({ prefixUrl: baseUrl })),
    },
  };
}

export const {
  axios: axiosDriver,
  ky: kyDriver,
  got: gotDriver,
} = driversOf({ axios: axiosPlugin, ky: kyPlugin, got: gotPlugin });

function axiosCall(instance: AxiosInstance): Call {
  return async (spec) => {
    const res = await instance.request({
      method: spec.method ?? 'GET',
      url: spec.path,
      timeout: spec.timeoutMs ?? 0,
      ...(spec.params && { params: spec.params }),
      ...(spec.form && { data: new URLSearchParams(spec.form) }),
      ...(spec.headers && { headers: spec.headers }),
      ...(spec.signal && { signal: spec.signal }),
      ...(spec.binance && { binance: spec.binance }),
    });
    return { status: res.status, data: res.data };
  };
}

function kyCall(api: KyInstance): Call {
  return async (spec) => {
    const res = await api(spec.path.replace(/^\//, ''), {
      method: spec.method ?? 'GET',
      timeout: spec.timeoutMs ?? false,
      ...(spec.params && { searchParams: spec.params }),
      ...(spec.form && { body: new URLSearchParams(spec.form) }),
      ...(spec.headers && { headers: spec.headers }),
      ...(spec.signal && { signal: spec.signal }),
      ...(spec.binance && { context: { binance: spec.binance } }),
    });
    const text = await res.text();
    return { status: res.status, data: text === '' ? text : JSON.parse(text) };
  };
}

function gotCall(api: Got): Call {
  return async (spec) => {
    const res = await api(spec.path.replace(/^\//, ''), {
      method: spec.method ?? 'GET',
      responseType: 'json',
      ...(spec.timeoutMs !== undefined && { timeout: { request: spec.timeoutMs } }),
      ...(spec.params && { searchParams: spec.params }),
      ...(spec.form && { form: spec.form }),
      ...(spec.headers && { headers: spec.headers }),
      ...(spec.signal && { signal: spec.signal }),
      ...(spec.binance && { context: { binance: spec.binance } }),
    });
    return { status: res.statusCode, data: res.body };
  };
}

/** The clients named in `CONFORMANCE_CLIENTS` (comma-separated), or all: the got 14 project runs got's alone. */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by a vitest project's `env`; no turbo task reads it.
const only = process.env.CONFORMANCE_CLIENTS?.split(',');

export const drivers: Driver[] = [axiosDriver, kyDriver, gotDriver].filter((d) => only?.includes(d.name) ?? true);
