import {
  type BinanceErrorsOptions,
  type BinanceGuard,
  type BinanceRequestOptions,
  type CallOptions,
  createPlugin,
  formBody,
  isBinanceError,
} from '@binance-errors/core';
import axios, { type AxiosAdapter, type AxiosInstance, type CancelToken, type InternalAxiosRequestConfig } from 'axios';
import { AxiosTransport } from './AxiosTransport.ts';
import { asAxiosError } from './asAxiosError.ts';
import { originUrl, requestUrl } from './requestUrl.ts';
import { tokenSignal } from './tokenSignal.ts';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Per-request settings of binance-errors, e.g. `{ signed: false }` or `{ enabled: false }`. */
    binance?: BinanceRequestOptions | undefined;
  }
}

/** The request interceptor `binanceErrors()` returns; `install()` puts it on an instance and returns its remover. */
export interface BinanceErrorsInterceptor {
  (config: InternalAxiosRequestConfig): InternalAxiosRequestConfig;
  /** Adds the interceptor to `instance`; the returned function removes it again. */
  install(instance: AxiosInstance): () => void;
}

/**
 * Makes axios safe against the Binance Spot API: typed, redacted errors; weight-aware throttling; timestamp
 * correction with one re-signed retry on -1021; a -1008 circuit breaker.
 *
 * It is a request interceptor that wraps the request's adapter, so the per-attempt work runs after every
 * interceptor of yours, on every attempt, with the adapter you chose.
 *
 * @example
 * ```ts
 * axios.interceptors.request.use(binanceErrors({ apiKey, apiSecret }));
 * // or, removable: const detach = binanceErrors({ apiKey, apiSecret }).install(instance);
 * ```
 */
export function binanceErrors(options: BinanceErrorsOptions = {}): BinanceErrorsInterceptor {
  const plugin = createPlugin(options);
  // The config an adapter gets is already merged with its instance's defaults, so where axios builds its URL, an
  // instance without defaults does: axios.getUri would merge it with the global ones again (11.5 µs vs 1.6 µs).
  const urlBuilder = new axios.Axios({});

  // Neither function is async: the adapter's would wrap the guard's promise in one more, resolved three ticks
  // later, and an attempt's would keep its frame across the whole round trip.
  const guarded =
    (
      inner: AxiosRequestConfigAdapter,
      own: AbortSignal | undefined,
      cancelToken: CancelToken | undefined,
      object: object | undefined,
    ): AxiosAdapter =>
    (config) => {
      // Listened to from here to the call's end: a token may outlive many calls (one shared by a whole session).
      const token = cancelToken && tokenSignal(cancelToken);
      const signal = own && token ? AbortSignal.any([own, token.signal]) : (own ?? token?.signal);
      let adapter: AxiosAdapter;
      let url: string;
      let body: string | undefined;
      let asForm = false;
      let guard: BinanceGuard;
      let call: CallOptions;
      try {
        adapter = axios.getAdapter(inner ?? axios.defaults.adapter, config);
        url = requestUrl(urlBuilder, config);
        // A flat object that axios' own transform (of whichever copy of axios) made JSON is sent as the form
        // parameters Binance reads. Transforms of the caller's (a `qs.stringify`) made their own text: signed as it is.
        asForm = object !== undefined && config.data === JSON.stringify(object);
        body = asForm
          ? formBody(object, 'axios')
          : typeof config.data === 'string'
            ? config.data
            : formBody(config.data, 'axios');
        guard = plugin.guardFor(url);
        call = plugin.callOptions(config.binance, signal);
      } catch (error) {
        token?.release();
        return Promise.reject(error);
      }
      const transport = new AxiosTransport(config, adapter, body, asForm);
      const settled = guard
        .run({ method: config.method ?? 'GET', url, body, headers: config.headers }, transport, call)
        .catch((error: unknown) => {
          // axios runs `transformResponse` over a rejection's response too, and a parser of the caller's (JSONbig,
          // lossless-json) would throw on the typed error's parsed, redacted body, its SyntaxError replacing the
          // error. The error's `config` keeps the caller's transforms, for a retry layer that sends it again.
          const typed = asAxiosError(error, config, call.credentials?.secrets ?? []);
          if (isBinanceError(typed)) config.transformResponse = [];
          throw typed;
        });
      if (token) settled.then(token.release, token.release);
      return settled;
    };

  const interceptor = ((config: InternalAxiosRequestConfig) => {
    if (config.binance?.enabled === false) return config;
    // Already ours: a second install on the instance, or the same config sent again (axios-retry, a user's loop),
    // which the guard answers without sending when its first outcome is unknown.
    const mark = (config.adapter as { [GUARDED]?: unknown } | undefined)?.[GUARDED];
    if (mark !== undefined) {
      plugin.assertSameAccount(mark, 'axios');
      return config;
    }
    // Not a Binance origin: the request passes byte for byte as the caller made it.
    if (!plugin.covers(originUrl(config), config.baseURL || undefined, config.url)) return config;
    let object: object | undefined;
    if (config.data !== undefined && config.data !== null && typeof config.data === 'object') {
      // Checked before the transforms run, which get the object they were written for (see `guarded`).
      formBody(config.data, 'axios');
      const proto = Object.getPrototypeOf(config.data);
      if (proto === Object.prototype || proto === null) object = config.data;
    }
    const adapter: AxiosAdapter & { [GUARDED]?: string } = guarded(
      config.adapter,
      signalOf(config),
      config.cancelToken,
      object,
    );
    adapter[GUARDED] = plugin.account;
    config.adapter = adapter;
    // The guard owns the signal and the cancel token: axios would otherwise replace the guard's BinanceAbortError
    // with its own CanceledError when either fires, and its adapter would still send an attempt whose token was
    // cancelled while the guard waited. Each attempt gets the signal (see `send`).
    delete config.signal;
    delete config.cancelToken;
    return config;
  }) as BinanceErrorsInterceptor;
  interceptor.install = (instance) => {
    const id = instance.interceptors.request.use(interceptor);
    return () => instance.interceptors.request.eject(id);
  };
  return interceptor;
}

type AxiosRequestConfigAdapter = InternalAxiosRequestConfig['adapter'];

/** Marks the adapter wrapper, whichever copy of this package made it, with the account its plugin signs for. */
const GUARDED = Symbol.for('@binance-errors/axios:guarded');

/** The caller's `signal`, when it is an AbortSignal the guard can listen to. */
function signalOf(config: InternalAxiosRequestConfig): AbortSignal | undefined {
  const signal = config.signal as AbortSignal | undefined;
  return signal && typeof signal.addEventListener === 'function' ? signal : undefined;
}

export * from '@binance-errors/core';
