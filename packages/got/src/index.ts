import { EventEmitter } from 'node:events';
import {
  type BinanceErrorsOptions,
  type BinanceRequestOptions,
  createPlugin,
  type GuardTransport,
} from '@binance-errors/core';
import got, { type HandlerFunction, Options, type OptionsInit, type RequestPromise, type Response } from 'got';

/** `context` of a got request with per-request settings of binance-errors: `{ binance: { signed: false } }`. */
export interface BinanceContext {
  binance?: BinanceRequestOptions | undefined;
}

/** got's request function with its third argument, the defaults to build on (present in got 14 to 16). */
type GotWithDefaults = (url: string, options: OptionsInit, defaults: Options) => RequestPromise<Response>;

/** Events of got's promise API, forwarded from every attempt. */
const EVENTS = ['request', 'response', 'redirect', 'uploadProgress', 'downloadProgress'] as const;

/**
 * Makes got safe against the Binance Spot API: typed, redacted errors; weight-aware throttling; timestamp
 * correction with one re-signed retry on -1021; a -1008 circuit breaker.
 *
 * A handler runs each promise-API call through the guard, which sends every attempt as a got request built on
 * the call's own options (your hooks, timeout and agent apply to each attempt; got's own retry is off for them,
 * the guard owns retries). `got.stream()` passes through untouched.
 *
 * @example
 * ```ts
 * const api = got.extend({ prefixUrl: 'https://api.binance.com' }, binanceErrors({ apiKey, apiSecret }));
 * const account = await api.get('api/v3/account').json();
 * // per request: api.get(url, { context: { binance: { signed: false } } })
 * ```
 */
export function binanceErrors(options: BinanceErrorsOptions = {}): { handlers: HandlerFunction[] } {
  const plugin = createPlugin(options);

  const handler: HandlerFunction = (call, next) => {
    const settings = (call?.context as BinanceContext | undefined)?.binance;
    if (!call?.url || call.isStream || settings?.enabled === false) return next(call);
    const url = call.url.toString();
    const body = call.form
      ? new URLSearchParams(call.form).toString()
      : typeof call.body === 'string'
        ? call.body
        : undefined;
    const resolveBodyOnly = call.resolveBodyOnly;
    // The defaults of every attempt: this call's options without its payload, URL or retries.
    const base = new Options(undefined, { prefixUrl: '', retry: { limit: 0 } }, call);
    base.form = undefined;
    base.json = undefined;
    base.body = undefined;
    base.searchParams = undefined;
    base.resolveBodyOnly = false;
    base.throwHttpErrors = false;

    const events = new EventEmitter();
    const cancel = new AbortController();
    const signal = call.signal ? AbortSignal.any([call.signal as AbortSignal, cancel.signal]) : cancel.signal;
    const transport: GuardTransport<Response> = {
      send: (attempt) => {
        const headers: Record<string, string | undefined> = { ...attempt.headers };
        if (attempt.body !== undefined && call.form) headers['content-type'] = 'application/x-www-form-urlencoded';
        if (attempt.body === undefined && body !== undefined) headers['content-type'] = undefined;
        const request = (got as unknown as GotWithDefaults)(
          attempt.url,
          { method: attempt.method as 'GET', headers, body: attempt.body, signal: attempt.signal ?? signal },
          base,
        );
        const on = request.on.bind(request) as unknown as EventEmitter['on'];
        for (const event of EVENTS) on(event, (...args: unknown[]) => events.emit(event, ...args));
        return request;
      },
      read: (response) => ({ status: response.statusCode, headers: response.headers, body: response.body }),
    };
    // Deferred one tick, like got itself, so `.json()` can still set the Accept header.
    const response = Promise.resolve().then(() =>
      plugin.guardFor(url).run({ method: call.method, url, body }, transport, plugin.callOptions(settings, signal)),
    );
    const result = response.then((res) => (resolveBodyOnly ? res.body : res));
    // The shortcuts chain on `result`, so a failed call rejects them without an unhandled `result`.
    const raw = () => result.then(() => response).then((res) => res.rawBody);
    const text = () => raw().then((bytes) => Buffer.from(bytes).toString(base.encoding ?? 'utf8'));
    return Object.defineProperties(result, {
      json: {
        value: () => {
          base.headers.accept ??= 'application/json';
          return text().then((raw) => base.parseJson(raw));
        },
      },
      text: { value: text },
      buffer: { value: raw },
      ...Object.fromEntries(
        (['on', 'once', 'off'] as const).map((method) => [
          method,
          {
            value: (event: string, listener: () => void) => {
              events[method](event, listener);
              return result;
            },
          },
        ]),
      ),
      // got 14 assigns its own `cancel` over a handler's promise; the setter keeps ours.
      cancel: { get: () => (reason?: unknown) => cancel.abort(reason), set: () => {} },
    }) as unknown as ReturnType<typeof next>;
  };

  return { handlers: [handler] };
}

export * from '@binance-errors/core';
