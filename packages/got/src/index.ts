import {
  type BinanceErrorsOptions,
  type BinanceRequestOptions,
  createPlugin,
  formBody,
  isBinanceError,
  redactHeaders,
  redactUrl,
} from '@binance-errors/core';
import type { BeforeErrorHook, HandlerFunction, Options } from 'got';
import { asCallPromise, type Next, TakenCall } from './TakenCall.ts';

/** `context` of a got request with per-request settings of binance-errors: `{ binance: { signed: false } }`. */
export interface BinanceContext {
  binance?: BinanceRequestOptions | undefined;
}

/** Marks a call a handler of this plugin (from any copy of the package) has taken on, with its plugin's account. */
const CLAIMED = Symbol.for('@binance-errors/got:claimed');

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
    // Installed twice: the first handler does the work, and its first attempt passes through the second.
    const claimed = (call as { [CLAIMED]?: unknown })[CLAIMED];
    if (claimed !== undefined) {
      plugin.assertSameAccount(claimed, 'got');
      return next(call);
    }
    const url = call.url.toString();
    // Not a Binance origin: the request passes byte for byte as the caller made it.
    if (!plugin.covers(url, call.prefixUrl.toString() || undefined)) return next(call);
    (call as { [CLAIMED]?: string })[CLAIMED] = plugin.account;
    const taken = new TakenCall(call, url, next as Next);
    // got 16 builds its own promise for a call whose handler returns a promise, and copies that promise's methods
    // onto the handler's one by one, on every call (their names are all on ours already). It skips both for a
    // stream, so the call is one until its first attempt a tick later, which needs got's promise and builds it.
    call.isStream = true;
    // Deferred one tick, like got itself, so `.json()` can still set the Accept header.
    let response = Promise.resolve().then(() => {
      call.isStream = false;
      // Read here, so that a body the guard cannot sign rejects the call like any other error of got's.
      taken.body = formBody(call.form ?? call.json ?? call.body, 'got');
      // The guard reads only the caller's own key from the headers. got's headers answer any casing, but a scan of
      // them for a header that is not there (most calls) goes through got's proxy key by key.
      const callerKey = call.headers['x-mbx-apikey'];
      return plugin.guardFor(url).run(
        {
          method: call.method,
          url,
          body: taken.body,
          headers: callerKey === undefined ? undefined : { 'x-mbx-apikey': callerKey },
        },
        taken,
        plugin.callOptions(settings, taken.signal),
      );
    });
    // The caller's beforeError hooks are taken off the attempts, where got would hand them its raw errors (whose
    // options hold the key and the signed URL), and run once, on the call's typed error with a redacted got view.
    const hooks = call.hooks.beforeError;
    if (hooks.length > 0) {
      const own = hooks.splice(0);
      response = response.catch((error: unknown) => {
        const secrets = plugin.callOptions(settings).credentials?.secrets ?? [];
        return runHooks(own, withGotOptions(error, call, url, secrets));
      });
    }
    if (taken.settled) response.then(taken.settled, taken.settled);
    const result = call.resolveBodyOnly ? response.then((res) => res.body) : response;
    taken.response = response;
    taken.result = result;
    // The promise's methods (`json`, `on`, `cancel`, …) read the call through `taken`.
    return asCallPromise(result, taken) as unknown as ReturnType<typeof next>;
  };

  return { handlers: [handler] };
}

/**
 * A typed error with what a got `beforeError` hook reads on got's own errors (`error.options.method`, `.url`,
 * `.headers`), redacted: no key header, no signature.
 */
function withGotOptions(error: unknown, call: Options, url: string, secrets: readonly string[]): unknown {
  if (!isBinanceError(error) || 'options' in error) return error;
  const options = {
    method: call.method,
    url: new URL(redactUrl(url, secrets)),
    headers: redactHeaders(call.headers, secrets),
  };
  return Object.defineProperty(error, 'options', { value: options, configurable: true });
}

/** The caller's got `beforeError` hooks, in order, on `error`: rejects with what the last one returns. */
async function runHooks(hooks: readonly BeforeErrorHook[], error: unknown): Promise<never> {
  let current = error;
  for (const hook of hooks) current = await hook(current as Parameters<BeforeErrorHook>[0]);
  throw current;
}

export * from '@binance-errors/core';
