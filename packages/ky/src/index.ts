import {
  type BinanceErrorsOptions,
  type BinanceRequestOptions,
  classify,
  createPlugin,
  formBody,
  isBinanceError,
  isIdempotentMethod,
} from '@binance-errors/core';
import type { Options } from 'ky';
import { type Fetch, KyTransport, platformFetch } from './KyTransport.ts';

/** What `binanceErrors()` returns: options for `ky.extend()` or `ky.create()`. */
export interface BinanceErrorsKyOptions extends Options {
  hooks: NonNullable<Options['hooks']>;
}

/** `context` of a ky request with per-request settings of binance-errors: `{ binance: { signed: false } }`. */
export interface BinanceContext {
  binance?: BinanceRequestOptions | undefined;
}

/** The options as ky's hooks see them at run time (its types leave out some that are there). */
interface SeenOptions {
  json?: unknown;
  body?: unknown;
  prefix?: string | URL | undefined;
  baseUrl?: string | URL | undefined;
}

/** The body a request's options gave, as the caller gave it (ky turns it into the Request's body). */
type GivenBody = Pick<SeenOptions, 'json' | 'body'>;

/** Marks the fetch wrapper, whichever copy of this package made it. */
const GUARDED = Symbol.for('@binance-errors/ky:guarded');

/** Key of the plugin's note in a request's `context`. */
const SCOPE = Symbol.for('@binance-errors/ky:scope');

/**
 * The plugin's note on a request: where its base URL is, the body as its options gave it, and whether an attempt of
 * it went out.
 */
interface Scope extends GivenBody {
  base: string | undefined;
  sent: boolean;
  /** The fetch the request would have used without the plugin, and its per-request settings of binance-errors. */
  inner: Fetch;
  settings: BinanceRequestOptions | undefined;
  /**
   * For a request that may have changed an order, a copy of the answer it got: what a retry of ky's, forced by an
   * `afterResponse` hook's `ky.retry()`, is answered with instead of sending the same order again.
   */
  answered?: { method: string; url: string; body: string | undefined; response: Response } | undefined;
}

/**
 * `response`, whose answer is then kept in `scope` for a retry of ky's that would send the same order again. A
 * function of its own: V8 allocates what a closure captures on every call of the function that makes it, and this
 * one's would cost each of the plugin's requests a context, reads included.
 */
function remembered(
  response: Promise<Response>,
  scope: Scope,
  method: string,
  url: string,
  body: string | undefined,
): Promise<Response> {
  return response.then((answer) => {
    scope.answered = { method, url, body, response: answer.clone() };
    return answer;
  });
}

/**
 * Makes ky safe against the Binance Spot API: typed, redacted errors; weight-aware throttling; timestamp
 * correction with one re-signed retry on -1021; a -1008 circuit breaker.
 *
 * It wraps the request's `fetch` (yours, if you set one), so every attempt is throttled, stamped, signed and
 * judged after all of your hooks. The guard owns retries: ky's own `retry` is set to 0, and if you turn it on
 * again, a request that may have changed an order is still never sent twice. ky's `timeout` covers the time a
 * request waits for rate-limit budget. Only requests to the `prefix`/`baseUrl` origin, Binance's own hosts and
 * `origins` are touched.
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
  const baseOf = (o: SeenOptions) => (o.prefix || o.baseUrl || undefined)?.toString();

  /** Sends ky's `request` through the guard; `body` is its body as the caller gave it (form text), if any. */
  const run = (
    scope: Scope,
    input: Parameters<Fetch>[0],
    init: Parameters<Fetch>[1],
    request: Request,
    url: string,
    body: string | undefined,
  ): Promise<Response> => {
    // ky sending again what may have changed an order (`ky.retry()` in an `afterResponse` hook): answered, not sent.
    const answered = scope.answered;
    if (answered && answered.method === request.method && answered.url === url && answered.body === body) {
      const replay = answered.response;
      answered.response = replay.clone();
      return Promise.resolve(replay);
    }
    // What a fetch is given besides the Request: ky's own options when ky called with a Request, as it does.
    const fetchInit = input instanceof Request ? init : undefined;
    const transport = new KyTransport(scope.inner, request, url, body, fetchInit, scope);
    const response = plugin
      .guardFor(url)
      .run(
        { method: request.method, url, body, headers: request.headers },
        transport,
        plugin.callOptions(scope.settings, request.signal),
      );
    if (isIdempotentMethod(request.method)) return response;
    return remembered(response, scope, request.method, url, body);
  };

  /** {@link run} once the body of ky's `request` is read (apart from `guarded`, for the reason `remembered` is). */
  const runOnceRead = (
    scope: Scope,
    input: Parameters<Fetch>[0],
    init: Parameters<Fetch>[1],
    request: Request,
    url: string,
  ): Promise<Response> => request.text().then((text) => run(scope, input, init, request, url, text));

  // Not an async function: it would wrap the guard's promise in one more, resolved three ticks later.
  const guarded =
    (scope: Scope): Fetch =>
    (input, init) => {
      try {
        const request = input instanceof Request ? input : new Request(input, init);
        // Read once: a Request serialises its URL into a new string every time `url` is read.
        const url = request.url;
        // Not a Binance origin: the request passes byte for byte as the caller made it.
        if (!plugin.covers(url, scope.base)) return scope.inner(input, init);
        // The body as the caller gave it: a flat `json` object is sent as form parameters; FormData, a Blob, a
        // stream or a nested object is refused here, before anything is sent.
        if (scope.json !== undefined) return run(scope, input, init, request, url, formBody(scope.json, 'ky'));
        if (scope.body !== undefined && scope.body !== null && typeof scope.body !== 'string') {
          let body: string | undefined;
          try {
            body = formBody(scope.body, 'ky');
          } catch (error) {
            // Refused, a FormData's body is read to its end first: left unread, undici's stream of its files fails
            // once the call has settled, an unhandled rejection that ends a Node process. (Its bytes are in memory.)
            if (scope.body instanceof FormData) return request.arrayBuffer().then(rethrow(error), rethrow(error));
            throw error;
          }
          return run(scope, input, init, request, url, body);
        }
        if (!request.body) return run(scope, input, init, request, url, undefined);
        return runOnceRead(scope, input, init, request, url);
      } catch (error) {
        return Promise.reject(error);
      }
    };

  return {
    retry: 0,
    hooks: {
      // `init` runs once per request with its own mutable options: the place to wrap that request's fetch.
      init: [
        (init) => {
          const settings = (init.context as BinanceContext | undefined)?.binance;
          if (settings?.enabled === false) return;
          // Installed twice: the first wrapper does the work (if it signs for the same account).
          const mark = (init.fetch as { [GUARDED]?: unknown } | undefined)?.[GUARDED];
          if (mark !== undefined) {
            try {
              plugin.assertSameAccount(mark, 'ky');
            } catch (error) {
              // Refused when it would be sent, so the call rejects as ky's calls do (an init hook's throw escapes
              // the call synchronously); a request to another origin passes as it would have.
              const theirs = init.fetch as Fetch;
              const base = baseOf(init as SeenOptions);
              init.fetch = (input, fetchInit) =>
                plugin.covers(input instanceof Request ? input.url : String(input), base)
                  ? Promise.reject(error)
                  : theirs(input, fetchInit);
            }
            return;
          }
          const given = init as SeenOptions;
          // Tells the error hook that this request is the plugin's, where its base URL is, and whether it went out.
          const scope: Scope = {
            base: baseOf(given),
            sent: false,
            json: given.json,
            body: given.body,
            inner: init.fetch ?? platformFetch,
            settings,
          };
          // The marks are stored one by one: a literal with a computed key after a spread goes through V8's runtime.
          const fetch: Fetch & { [GUARDED]?: string } = guarded(scope);
          fetch[GUARDED] = plugin.account;
          init.fetch = fetch;
          const context: { [SCOPE]?: Scope } = { ...init.context };
          context[SCOPE] = scope;
          init.context = context;
        },
      ],
      // ky's own `timeout` becomes a typed error like the exchange's (a cut-off body is typed in `fetch`).
      beforeError: [
        ({ error, request, options }) => {
          const scope = (options.context as { [SCOPE]?: Scope } | undefined)?.[SCOPE];
          // Only ky's own timeout fails outside the guard; everything the guard raised is typed already.
          if (isBinanceError(error) || error.name !== 'TimeoutError' || !scope) return error;
          if (!plugin.covers(request.url, scope.base)) return error;
          const credentials = plugin.callOptions(undefined).credentials;
          return classify({
            error,
            request: { method: request.method, url: request.url },
            // Timed out while the guard held it (waiting for budget or the clock): nothing was sent.
            sent: scope.sent,
            secrets: credentials?.secrets,
            product: plugin.guardFor(request.url).profile.product,
          });
        },
      ],
    },
  };
}

/** A handler that rejects with `error`, whatever it is given. */
function rethrow(error: unknown): () => never {
  return () => {
    throw error;
  };
}

export * from '@binance-errors/core';
