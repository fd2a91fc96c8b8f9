import {
  type BinanceErrorsOptions,
  type BinanceRequestOptions,
  createPlugin,
  formContentType,
  type GuardTransport,
} from '@binance-errors/core';
import type { Options } from 'ky';

type Fetch = NonNullable<Options['fetch']>;

/** What `binanceErrors()` returns: options for `ky.extend()` or `ky.create()`. */
export interface BinanceErrorsKyOptions extends Options {
  hooks: NonNullable<Options['hooks']>;
}

/** `context` of a ky request with per-request settings of binance-errors: `{ binance: { signed: false } }`. */
export interface BinanceContext {
  binance?: BinanceRequestOptions | undefined;
}

/**
 * Makes ky safe against the Binance Spot API: typed, redacted errors; weight-aware throttling; timestamp
 * correction with one re-signed retry on -1021; a -1008 circuit breaker.
 *
 * It wraps the request's `fetch` (yours, if you set one), so every attempt is throttled, stamped, signed and
 * judged after all of your hooks. The guard owns retries: ky's own `retry` is set to 0. ky's `timeout` covers
 * the time a request waits for rate-limit budget.
 *
 * @example
 * ```ts
 * const api = ky.extend(binanceErrors({ apiKey, apiSecret }));
 * await api.get('api/v3/account', { prefix: 'https://api.binance.com' }).json();
 * // per request: api.get(url, { context: { binance: { signed: false } } })
 * ```
 */
export function binanceErrors(options: BinanceErrorsOptions = {}): BinanceErrorsKyOptions {
  const plugin = createPlugin(options);

  const guarded =
    (inner: Fetch, settings: BinanceRequestOptions | undefined): Fetch =>
    async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const body = request.body ? await request.text() : undefined;
      const transport: GuardTransport<Response> = {
        send: (attempt) => {
          if (
            request.body === null &&
            attempt.url === request.url &&
            attempt.method === request.method &&
            Object.keys(attempt.headers).length === 0
          ) {
            // Nothing to sign or add (a public request): ky's own request goes out as it is, without a copy.
            return inner(request, input instanceof Request ? init : undefined);
          }
          const headers = new Headers(request.headers);
          if (attempt.body === undefined && body !== undefined) headers.delete('content-type');
          const contentType = attempt.body === undefined ? undefined : formContentType(headers.get('content-type'));
          if (contentType) headers.set('content-type', contentType);
          for (const [name, value] of Object.entries(attempt.headers)) headers.set(name, value);
          const attemptRequest = new Request(attempt.url, {
            method: attempt.method,
            headers,
            body: attempt.body ?? null,
            signal: attempt.signal ?? request.signal,
          });
          return inner(attemptRequest, input instanceof Request ? init : undefined);
        },
        read: async (response, withBody) => ({
          status: response.status,
          headers: response.headers,
          body: withBody || response.status >= 400 ? await response.clone().text() : undefined,
        }),
      };
      return plugin
        .guardFor(request.url)
        .run(
          { method: request.method, url: request.url, body },
          transport,
          plugin.callOptions(settings, request.signal),
        );
    };

  return {
    retry: 0,
    hooks: {
      // `init` runs once per request with its own mutable options: the place to wrap that request's fetch.
      init: [
        (init) => {
          const settings = (init.context as BinanceContext | undefined)?.binance;
          if (settings?.enabled === false) return;
          init.fetch = guarded(init.fetch ?? globalThis.fetch.bind(globalThis), settings);
        },
      ],
    },
  };
}

export * from '@binance-errors/core';
