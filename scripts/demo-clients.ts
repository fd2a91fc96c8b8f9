/**
 * The client part of `npm start`: the same scenarios through each HTTP client, against the embedded fake exchange
 * (or a real endpoint when BINANCE_BASE_URL is set).
 */
import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import {
  BinanceGuard,
  type BinanceGuardOptions,
  type BinanceRequestOptions,
  isBinanceError,
} from '@binance-errors/core';
import { binanceErrors as gotPlugin } from '@binance-errors/got';
import { binanceErrors as kyPlugin } from '@binance-errors/ky';
import axios from 'axios';
import got from 'got';
import ky from 'ky';

/** One request in client-neutral terms. */
export interface DemoCall {
  path: string;
  params?: Record<string, string>;
  method?: 'GET' | 'POST';
  binance?: BinanceRequestOptions;
}

/** A client with binance-errors installed the one-line way. */
export interface DemoClient {
  name: string;
  call(spec: DemoCall): Promise<unknown>;
}

export interface Credentials {
  apiKey: string;
  apiSecret: string;
}

/** Builds each client on `baseUrl`, all sharing `guard`. */
export function demoClients(baseUrl: string, credentials: Credentials, guard: BinanceGuard): DemoClient[] {
  const instance = axios.create({ baseURL: baseUrl, timeout: 10_000 });
  instance.interceptors.request.use(axiosPlugin({ ...credentials, guard }));
  const kyApi = ky.create({ prefix: baseUrl, timeout: 10_000 }).extend(kyPlugin({ ...credentials, guard }));
  const gotApi = got.extend({ prefixUrl: baseUrl, timeout: { request: 10_000 } }, gotPlugin({ ...credentials, guard }));
  const relative = (path: string) => path.replace(/^\//, '');
  return [
    {
      name: 'axios',
      call: async (spec) =>
        (
          await instance.request({
            url: spec.path,
            method: spec.method ?? 'GET',
            ...(spec.params && { params: spec.params }),
            ...(spec.binance && { binance: spec.binance }),
          })
        ).data,
    },
    {
      name: 'ky',
      call: (spec) =>
        kyApi(relative(spec.path), {
          method: spec.method ?? 'GET',
          ...(spec.params && { searchParams: spec.params }),
          ...(spec.binance && { context: { binance: spec.binance } }),
        }).json(),
    },
    {
      name: 'got',
      call: (spec) =>
        gotApi(relative(spec.path), {
          method: spec.method ?? 'GET',
          ...(spec.params && { searchParams: spec.params }),
          ...(spec.binance && { context: { binance: spec.binance } }),
        }).json(),
    },
  ];
}

/** A fresh guard for one scene, so scenes do not share budgets or breaker state. */
export function sceneGuard(baseUrl: string, options: BinanceGuardOptions): BinanceGuard {
  return new BinanceGuard(baseUrl, options);
}

/** Runs a call and reports how it ended, without throwing. */
export async function settle(promise: Promise<unknown>): Promise<{ ok: true } | { ok: false; category: string }> {
  try {
    await promise;
    return { ok: true };
  } catch (e) {
    return { ok: false, category: isBinanceError(e) ? e.category : 'not a BinanceError' };
  }
}
