import { EventEmitter } from 'node:events';
import type { ClientRequest } from 'node:http';
import {
  type BinanceErrorsOptions,
  type BinanceRequestOptions,
  bodyCutOff,
  createPlugin,
  formBody,
  formContentType,
  type GuardTransport,
} from '@binance-errors/core';
import got, { type HandlerFunction, Options, type OptionsInit, type RequestPromise, type Response } from 'got';

/** `context` of a got request with per-request settings of binance-errors: `{ binance: { signed: false } }`. */
export interface BinanceContext {
  binance?: BinanceRequestOptions | undefined;
}

/** got's request function with its third argument, the defaults to build on (present in got 14 to 16). */
type GotWithDefaults = (url: string, options: OptionsInit, defaults: Options) => RequestPromise<Response>;

/** Marks a call a handler of this plugin (from any copy of the package) has taken on. */
const CLAIMED = Symbol.for('@binance-errors/got:claimed');

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
    // Installed twice: the first handler does the work, and its first attempt passes through the second.
    if ((call as { [CLAIMED]?: boolean })[CLAIMED]) return next(call);
    const url = call.url.toString();
    // Not a Binance origin: the request passes byte for byte as the caller made it.
    if (!plugin.covers(url, call.prefixUrl.toString() || undefined)) return next(call);
    Object.defineProperty(call, CLAIMED, { value: true });
    let body: string | undefined;
    // Read now: the first attempt clears `call`'s payload. A `form` call is form-encoded by got; a body the
    // caller sent without a type is sent as the form parameters the guard signed.
    const contentType =
      call.form !== undefined || call.json !== undefined
        ? 'application/x-www-form-urlencoded'
        : formContentType(call.headers['content-type']?.toString());
    const resolveBodyOnly = call.resolveBodyOnly;
    // The defaults of the requests after the first: this call's options. Built on demand (most calls are one
    // attempt), possibly after the first attempt has set `call` up.
    let base: Options | undefined;
    const baseOptions = () => (base ??= asAttempt(new Options(undefined, undefined, call)));
    let ownRequestSent = false;

    // The request of the latest attempt, and got's promise events the caller listens to (none, for most calls),
    // forwarded from every attempt.
    let current: RequestPromise<Response> | undefined;
    let events: EventEmitter | undefined;
    let forwarded: Set<(typeof EVENTS)[number]> | undefined;
    const forward = (request: RequestPromise<Response>, event: (typeof EVENTS)[number]) =>
      (request.on as unknown as EventEmitter['on'])(event, (...args: unknown[]) => events?.emit(event, ...args));
    // `cancel()` aborts the guard's waits through `signal`, and the attempt in flight through its socket request
    // (see `destroy`). got gets no signal of ours, whose listener it would add and remove on every attempt; the
    // caller's own signal, got handles as it always does.
    const cancel = new AbortController();
    const signal = call.signal ? AbortSignal.any([call.signal as AbortSignal, cancel.signal]) : cancel.signal;
    let sending: ClientRequest | undefined;
    const onRequest = (request: ClientRequest) => {
      if (cancel.signal.aborted) destroy(request, cancel.signal.reason);
      else sending = request;
    };
    const transport: GuardTransport<Response> = {
      send: (attempt) => {
        // The clock's requests go without the caller's key; the caller's own requests keep the headers it set.
        const headers: Record<string, string | undefined> =
          attempt.purpose === 'time' ? { 'x-mbx-apikey': undefined } : {};
        for (const [name, value] of Object.entries(attempt.headers)) headers[name.toLowerCase()] = value;
        if (attempt.body !== undefined && contentType) headers['content-type'] = contentType;
        if (attempt.body === undefined && body !== undefined) headers['content-type'] = undefined;
        const followRedirect = attempt.redirect !== 'error' && call.followRedirect;
        const init: OptionsInit = { method: attempt.method as 'GET', headers, body: attempt.body, followRedirect };
        // The clock's own requests carry the signal of the call that waits for them.
        if (attempt.purpose === 'time' && attempt.signal) init.signal = attempt.signal;
        let request: RequestPromise<Response>;
        if (attempt.purpose === 'call' && !ownRequestSent) {
          // The first attempt goes out as the request got already built for this call, rather than building a
          // second one per call; later attempts and the guard's own requests are new ones.
          ownRequestSent = true;
          // The URL got built for the call is the attempt's unless the guard signed it: parsed again only then.
          const sameUrl = attempt.url === url;
          asAttempt(call, sameUrl);
          // As a URL: got checks a string one character by character first (5 µs for a signed URL, 2 as a URL).
          if (!sameUrl) call.url = new URL(attempt.url);
          // Only what changes is set: each of got's setters validates its value, a cost per call for nothing.
          if (call.method !== attempt.method) call.method = attempt.method;
          if (hasKeys(headers)) call.merge({ headers });
          if (attempt.body !== undefined) call.body = attempt.body;
          if (call.followRedirect !== followRedirect) call.followRedirect = followRedirect;
          request = next(call) as RequestPromise<Response>;
        } else {
          request = (got as unknown as GotWithDefaults)(attempt.url, init, baseOptions());
        }
        if (attempt.purpose !== 'time') {
          // The clock's samples are the guard's business; the caller hears of its own call's requests.
          current = request;
          request.on('request', onRequest);
          if (forwarded) for (const event of forwarded) forward(request, event);
        }
        return request.catch((error: unknown) => {
          // The headers came, the body did not end: got rejects with a ReadError holding the response (unless
          // `cancel()` cut it off: the guard types that as aborted).
          const partial = (error as { name?: string; response?: Response }).response;
          if ((error as Error).name !== 'ReadError' || !partial || cancel.signal.aborted) throw error;
          throw bodyCutOff(partial.statusCode, partial.headers['content-length'], error);
        });
      },
      read: (response) => ({ status: response.statusCode, headers: response.headers, body: response.body }),
    };
    // Deferred one tick, like got itself, so `.json()` can still set the Accept header.
    const response = Promise.resolve().then(() => {
      // Read here, so that a body the guard cannot sign rejects the call like any other error of got's.
      body = formBody(call.form ?? call.json ?? call.body, 'got');
      return plugin
        .guardFor(url)
        .run(
          { method: call.method, url, body, headers: call.headers },
          transport,
          plugin.callOptions(settings, signal),
        );
    });
    const result = response.then((res) => (resolveBodyOnly ? res.body : res));
    // The shortcuts chain on `result`, so a failed call rejects them without an unhandled `result`.
    const raw = () => result.then(() => response).then((res) => res.rawBody);
    const text = () => raw().then((bytes) => Buffer.from(bytes).toString(call.encoding ?? 'utf8'));
    const listen =
      (method: 'on' | 'once' | 'off') =>
      (event: string, listener: () => void): typeof result => {
        events ??= new EventEmitter();
        forwarded ??= new Set();
        const known = EVENTS.find((e) => e === event);
        if (method !== 'off' && known && !forwarded.has(known)) {
          forwarded.add(known);
          if (current) forward(current, known);
        }
        events[method](event, listener);
        return result;
      };
    // Plain properties, as got sets its own promise's; `cancel` is inherited (see CALL_PROMISE).
    const methods = Object.setPrototypeOf(result, CALL_PROMISE) as Record<PropertyKey, unknown>;
    methods[CANCEL] = (reason?: unknown) => {
      cancel.abort(reason);
      if (sending) destroy(sending, cancel.signal.reason);
    };
    methods.json = () => {
      call.headers.accept ??= 'application/json';
      return text().then((raw) => call.parseJson(raw));
    };
    methods.text = text;
    methods.buffer = raw;
    methods.on = listen('on');
    methods.once = listen('once');
    methods.off = listen('off');
    return result as unknown as ReturnType<typeof next>;
  };

  return { handlers: [handler] };
}

/** The key of a call's own `cancel` on its promise. */
const CANCEL = Symbol('cancel');

/**
 * The prototype of the promise a call returns: a promise whose `cancel` aborts the call. An accessor with a setter
 * that keeps it, because got 14 assigns its own `cancel` over a handler's promise; shared by every call, because
 * defining an accessor on each promise costs microseconds per request.
 */
const CALL_PROMISE: object = Object.create(Promise.prototype, {
  cancel: {
    get(this: { [CANCEL]?: unknown }) {
      return this[CANCEL];
    },
    set() {},
  },
});

/**
 * Readies got options to send exactly what an attempt says: no URL prefix, query or payload of their own (the
 * attempt's URL and body carry them), no retries of got's (the guard owns them), and every status handed back.
 */
function asAttempt(options: Options, keepUrl = false): Options {
  // Set where they differ only, as above. `keepUrl`: the options' own URL, query included, is the attempt's (and
  // got checks the origin again when the prefix changes under a URL it built).
  if (!keepUrl) {
    if (options.prefixUrl !== '') options.prefixUrl = '';
    options.searchParams = undefined;
  }
  if (options.form !== undefined) options.form = undefined;
  if (options.json !== undefined) options.json = undefined;
  if (options.body !== undefined) options.body = undefined;
  options.retry.limit = 0;
  if (options.resolveBodyOnly) options.resolveBodyOnly = false;
  if (options.throwHttpErrors !== false) options.throwHttpErrors = false;
  return options;
}

/**
 * Stops a request in flight by destroying its socket, which fails it as a lost connection whether its answer has
 * begun or not (destroying the request itself would drain an answer that has begun, and got would take the part it
 * had for the whole body). A request already answered is left alone: its socket may serve another request by now.
 */
function destroy(request: ClientRequest, reason: unknown): void {
  if (request.destroyed) return;
  const error = reason instanceof Error ? reason : new Error(String(reason));
  if (request.socket) request.socket.destroy(error);
  else request.destroy(error);
}

function hasKeys(object: object): boolean {
  for (const _ in object) return true;
  return false;
}

export * from '@binance-errors/core';
