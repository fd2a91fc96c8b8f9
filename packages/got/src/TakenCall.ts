import { EventEmitter } from 'node:events';
import type { ClientRequest } from 'node:http';
import {
  type Attempt,
  bodyCutOff,
  formContentType,
  type GuardTransport,
  type ResponseView,
  refusedByClient,
} from '@binance-errors/core';
import * as gotExports from 'got';
import got, { Options, type OptionsInit, type PlainResponse, type RequestPromise, type Response } from 'got';

/**
 * got 14 ties a call's request to the caller's signal when it builds it, before any handler runs. got 16 does so
 * only when it sends, and has no `CancelError`: its promise cannot be cancelled but through the signal.
 */
const TIES_SIGNAL_EARLY = 'CancelError' in gotExports;

/** got's request function with its third argument, the defaults to build on (present in got 14 to 16). */
type GotWithDefaults = (url: string, options: OptionsInit, defaults: Options) => RequestPromise<Response>;

/** Events of got's promise API, forwarded from every attempt. */
const EVENTS = ['request', 'response', 'redirect', 'uploadProgress', 'downloadProgress'] as const;

/** got's `next` for a handler: the rest of the chain, ending in got's own request for the call. */
export type Next = (options: Options) => RequestPromise<Response>;

/** The key of the call a promise of this plugin stands for. */
const TAKEN = Symbol('binance-errors call');

/** The promise a taken call returns: got's promise API, over the call's own state. */
interface CallPromise {
  [TAKEN]: TakenCall;
}

/**
 * One promise-API call the plugin has taken on: the guard's transport for its attempts, and the state its promise's
 * methods read. One object per call, with its methods shared, rather than a dozen closures per call.
 */
export class TakenCall implements GuardTransport<Response> {
  readonly #call: Options;
  readonly #url: string;
  readonly #next: Next;
  /** Read now: the first attempt clears the call's payload. A `form` call is form-encoded by got. */
  readonly #contentType: string | undefined;
  /** The caller's own `followRedirect`, for the attempts that may follow one: never a request that carried the key. */
  readonly #followRedirect: Options['followRedirect'];
  /** The body the guard signs (set when the call starts, a tick after the handler). */
  body: string | undefined;
  response!: Promise<Response>;
  result!: Promise<unknown>;
  /** The defaults of the requests after the first: this call's options, built when first needed. */
  #base: Options | undefined;
  #ownRequestSent = false;
  /** The request of the latest attempt, and got's promise events the caller listens to, forwarded from each. */
  #current: RequestPromise<Response> | undefined;
  #events: EventEmitter | undefined;
  #forwarded: Set<(typeof EVENTS)[number]> | undefined;
  /**
   * `cancel()` aborts the guard's waits through `signal`, and the attempt in flight through its socket request
   * (see `destroy`). got gets no signal of ours, whose listener it would add and remove on every attempt; the
   * caller's own signal, got handles as it always does.
   */
  readonly #cancel = new AbortController();
  readonly signal: AbortSignal;
  readonly #sending = new Sending();

  /**
   * got 14 builds the call's own request before any handler runs, and ties it to the caller's signal there. Left
   * unsent (the call aborted, or refused before sending), that request fails when the signal aborts, with nobody
   * listening: an unhandled 'error' event ends the process. So it is handed to got and cancelled at once, and got
   * settles it: a request cancelled before it was made sends nothing, and lets go of the signal.
   */
  #settleUnsent(): void {
    (this.#call.signal as AbortSignal | undefined)?.removeEventListener('abort', this.settled!);
    if (this.#ownRequestSent) return;
    this.#ownRequestSent = true;
    this.#call.isStream = false;
    try {
      // got 14's promise, cancelled before the request it made was flushed: destroyed, never sent.
      const unsent = this.#next(this.#call) as RequestPromise<Response> & { cancel(): void };
      unsent.cancel();
      unsent.then(undefined, ignore);
    } catch {
      // Refused by a handler after ours: there is no request to settle.
    }
  }

  /**
   * To be called when the call settles, for a call that must say so (got 14, with a signal of the caller's: the
   * signal may outlive many calls); `undefined` for the others.
   */
  readonly settled: (() => void) | undefined;

  constructor(call: Options, url: string, next: Next) {
    this.#call = call;
    this.#url = url;
    this.#next = next;
    // A body the caller sent without a type is sent as the form parameters the guard signed.
    this.#contentType =
      call.form !== undefined || call.json !== undefined
        ? 'application/x-www-form-urlencoded'
        : formContentType(call.headers['content-type']?.toString());
    // Only a caller's `beforeRequest` hook can add the key after the guard decided; without one, got's own choice.
    const own = call.followRedirect;
    this.#followRedirect =
      own === false || call.hooks.beforeRequest.length === 0
        ? own
        : own === true
          ? unlessKeySent
          : unlessKeySentAnd(own);
    const callerSignal = call.signal as AbortSignal | undefined;
    this.signal = callerSignal ? AbortSignal.any([callerSignal, this.#cancel.signal]) : this.#cancel.signal;
    this.settled = callerSignal !== undefined && TIES_SIGNAL_EARLY ? TakenCall.#settler(this) : undefined;
    // Aborted while the guard holds the call: handed over at once, before got's 'error' event a tick later.
    if (this.settled) callerSignal?.addEventListener('abort', this.settled, { once: true });
  }

  /**
   * {@link settled} of `taken`. The closures of a call are made outside its constructor (here and in
   * `unlessKeySentAnd`): V8 allocates what a closure captures on every call of the function that makes it, and
   * every call of the constructor would pay for the few calls that need one.
   */
  static #settler(taken: TakenCall): () => void {
    return () => taken.#settleUnsent();
  }

  send(attempt: Attempt): Promise<Response> {
    const call = this.#call;
    // The clock's requests go without the caller's key; the caller's own requests keep the headers it set.
    const headers: Record<string, string | undefined> = attempt.purpose === 'time' ? { 'x-mbx-apikey': undefined } : {};
    for (const [name, value] of Object.entries(attempt.headers)) headers[name.toLowerCase()] = value;
    if (attempt.body !== undefined && this.#contentType) headers['content-type'] = this.#contentType;
    if (attempt.body === undefined && this.body !== undefined) headers['content-type'] = undefined;
    // An attempt the guard gave the key or a signature follows no redirect. The others may, unless the request as
    // sent carried the key after all: got runs the caller's hooks (a `beforeRequest` that sets `X-MBX-APIKEY` on
    // every request) after this, on the request it builds.
    const followRedirect = attempt.redirect === 'error' ? false : this.#followRedirect;
    let request: RequestPromise<Response>;
    if (attempt.purpose === 'call' && !this.#ownRequestSent) {
      // The first attempt goes out as the request got already built for this call, rather than building a
      // second one per call; later attempts and the guard's own requests are new ones.
      this.#ownRequestSent = true;
      // The URL got built for the call is the attempt's unless the guard signed it. Signing appends the stamp and
      // signature to the query, which is set on got's URL in place: a URL set whole, got checks and parses again
      // (12 µs more per signed request in a loop like B1's). A query the guard rebuilt (the caller's own
      // `timestamp` or `recvWindow`) is set whole, as a URL: got checks a string one character by character first.
      const sameUrl = attempt.url === this.#url;
      const query = sameUrl ? undefined : appendedQuery(this.#url, attempt.url);
      asAttempt(call, sameUrl || query !== undefined);
      if (query !== undefined) (call.url as URL).search = query;
      else if (!sameUrl) call.url = new URL(attempt.url);
      // Only what changes is set: each of got's setters validates its value, a cost per call for nothing.
      if (call.method !== attempt.method) call.method = attempt.method;
      // Set one by one, as a hook sets them: `merge` clones, validates and records the whole object on every call.
      for (const name in headers) call.headers[name] = headers[name];
      if (attempt.body !== undefined) call.body = attempt.body;
      if (call.followRedirect !== followRedirect) call.followRedirect = followRedirect;
      try {
        request = this.#next(call);
      } catch (error) {
        // A handler after ours refused the call (another account's plugin): nothing left.
        return Promise.reject(refusedByClient(error));
      }
    } else {
      const init: OptionsInit = { method: attempt.method as 'GET', headers, body: attempt.body, followRedirect };
      if (attempt.purpose === 'time') {
        // The clock's own requests carry the clock's signal (its time limit for one answer), and leave the bytes
        // unparsed: a `parseJson` of the caller's (lossless-json) may not read a number as one.
        if (attempt.signal) init.signal = attempt.signal;
        init.responseType = 'buffer';
      }
      this.#base ??= asAttempt(new Options(undefined, undefined, call));
      request = (got as unknown as GotWithDefaults)(attempt.url, init, this.#base);
    }
    if (attempt.purpose !== 'time') {
      // The clock's samples are the guard's business; the caller hears of its own call's requests.
      this.#current = request;
      this.#sending.request = undefined;
      request.on('request', this.#sending.onRequest);
      if (this.#forwarded) for (const event of this.#forwarded) this.#forward(request, event);
    }
    return request.then(
      (response) => {
        // A 3xx to a request the guard let follow, but that carried the key: the caller's hooks set it, and got went
        // no further (`unlessKeySent`). The attempt as sent is one that never follows a redirect, and the guard types
        // its 3xx as it types any such, whatever the caller's `followRedirect` (a `BinanceRequestError` naming where
        // it pointed, as axios and ky give).
        if (
          attempt.redirect === 'follow' &&
          response.statusCode >= 300 &&
          response.statusCode < 400 &&
          keySent(response)
        ) {
          attempt.redirect = 'error';
        }
        return response;
      },
      (error: unknown) => {
        // Failed before got opened a request for it (an option got refuses, a header it cannot send, a hook that
        // threw): nothing left. Sent again, the same options would fail again, or worse, go out half-built.
        if (attempt.purpose !== 'time' && this.#sending.request === undefined && !this.signal.aborted) {
          throw refusedByClient(error);
        }
        const { name, response } = error as { name?: string; response?: Response };
        // The caller's `afterResponse` hook asked got to send it again: the guard alone sends, and decides on the
        // answer that prompted the hook, as on any other (an order of unknown outcome is never sent again).
        if (name === 'RetryError' && response) return response;
        // The headers came, the body did not end: got rejects with a ReadError holding the response (unless
        // `cancel()` cut it off: the guard types that as aborted).
        if (name !== 'ReadError' || !response || this.#cancel.signal.aborted) throw error;
        throw bodyCutOff(response.statusCode, response.headers['content-length'], error);
      },
    );
  }

  read(response: Response): ResponseView {
    // The bytes as they came: `body` is what the caller's `responseType`, `parseJson` or `encoding` made of them (a
    // lossless-json tree, base64), which is not what Binance said.
    return { status: response.statusCode, headers: response.headers, body: response.rawBody };
  }

  cancel(reason?: unknown): void {
    this.#cancel.abort(reason);
    this.#sending.cancel(this.#cancel.signal.reason);
  }

  /** The body's bytes; chained on `result`, so a failed call rejects them without an unhandled `result`. */
  buffer(): Promise<Response['rawBody']> {
    return this.result.then(() => this.response).then((res) => res.rawBody);
  }

  text(): Promise<string> {
    return this.buffer().then((bytes) => Buffer.from(bytes).toString(this.#call.encoding ?? 'utf8'));
  }

  json(): Promise<unknown> {
    this.#call.headers.accept ??= 'application/json';
    return this.text().then((raw) => this.#call.parseJson(raw));
  }

  listen(method: 'on' | 'once' | 'off', event: string, listener: (...args: unknown[]) => void): void {
    this.#events ??= new EventEmitter();
    this.#forwarded ??= new Set();
    const known = EVENTS.find((e) => e === event);
    if (method !== 'off' && known && !this.#forwarded.has(known)) {
      this.#forwarded.add(known);
      if (this.#current) this.#forward(this.#current, known);
    }
    this.#events[method](event, listener);
  }

  /** Forwards `event` of an attempt to the caller's listeners; the listener holds those alone (see {@link Sending}). */
  #forward(request: RequestPromise<Response>, event: (typeof EVENTS)[number]): void {
    const events = this.#events;
    if (events === undefined) return;
    (request.on as unknown as EventEmitter['on'])(event, (...args: unknown[]) => events.emit(event, ...args));
  }
}

/**
 * The socket request of a call's latest attempt, which `cancel()` destroys; one cancelled before it was made is
 * destroyed as it is made. Apart from the call, and holding nothing of it: got keeps the listener on the attempt's
 * promise for as long as it keeps that request's objects, which in a busy process outlive the request across
 * young-generation collections, and a listener holding the call would keep all the call holds with them (B1's
 * "survived a scavenge" column: a kilobyte per request more, for got, when it did).
 */
class Sending {
  request: ClientRequest | undefined;
  #cancelled = false;
  #reason: unknown;
  readonly onRequest = (request: ClientRequest): void => {
    if (this.#cancelled) destroy(request, this.#reason);
    else this.request = request;
  };

  cancel(reason: unknown): void {
    this.#cancelled = true;
    this.#reason = reason;
    if (this.request) destroy(this.request, reason);
  }
}

/**
 * The prototype of the promise a call returns: a promise with got's methods, reading the call they belong to.
 * Shared by every call, because defining them on each promise costs microseconds per request. got copies its
 * own promise's methods onto a handler's promise only where the name is not there yet (inherited names count),
 * and got 14 assigns its own `cancel` over it: an accessor with a setter that keeps ours.
 */
const CALL_PROMISE: object = Object.create(Promise.prototype, {
  cancel: {
    get(this: CallPromise) {
      return (reason?: unknown) => this[TAKEN].cancel(reason);
    },
    set() {},
  },
  json: method(function (this: CallPromise) {
    return this[TAKEN].json();
  }),
  text: method(function (this: CallPromise) {
    return this[TAKEN].text();
  }),
  buffer: method(function (this: CallPromise) {
    return this[TAKEN].buffer();
  }),
  on: method(function (this: CallPromise, event: string, listener: (...args: unknown[]) => void) {
    this[TAKEN].listen('on', event, listener);
    return this;
  }),
  once: method(function (this: CallPromise, event: string, listener: (...args: unknown[]) => void) {
    this[TAKEN].listen('once', event, listener);
    return this;
  }),
  off: method(function (this: CallPromise, event: string, listener: (...args: unknown[]) => void) {
    this[TAKEN].listen('off', event, listener);
    return this;
  }),
});

/** A method as a class defines it: writable and configurable, not enumerable. */
function method(value: (...args: never[]) => unknown): PropertyDescriptor {
  return { value, writable: true, configurable: true };
}

/**
 * Readies got options to send exactly what an attempt says: no URL prefix, query or payload of their own (the
 * attempt's URL and body carry them), no retries of got's (the guard owns them), and every status handed back.
 */
function asAttempt(options: Options, keepUrl = false): Options {
  // Set where they differ only, as above. `keepUrl`: the options' own URL, query included, is the attempt's (and
  // got checks the origin again when the prefix changes under a URL it built).
  if (!keepUrl) {
    // Let go of the URL first: got 14 builds options on the very URL object of the options it copies (the call's,
    // whose signed query got may not have read yet), and clearing the query would clear the call's.
    options.url = undefined;
    if (options.prefixUrl !== '') options.prefixUrl = '';
    options.searchParams = undefined;
  }
  // The call's options hold the Content-Length got wrote for its first attempt's body: on a request without a body
  // (a lookup, the clock's samples) the server would wait for bytes that never come, and a re-signed body may differ
  // in length. got writes the length of each attempt's own body. (Deleted: got 14 keeps a header merged as undefined.)
  if (options.headers['content-length'] !== undefined) delete options.headers['content-length'];
  if (options.form !== undefined) options.form = undefined;
  if (options.json !== undefined) options.json = undefined;
  if (options.body !== undefined) options.body = undefined;
  options.retry.limit = 0;
  // got retries an `afterResponse` hook's `retryWithMergedOptions` whatever the limit, below the guard, unless the
  // delay is 0: the attempt then fails with the response that prompted it, and the guard judges that (`send`).
  options.retry.calculateDelay = noDelay;
  if (options.resolveBodyOnly) options.resolveBodyOnly = false;
  if (options.throwHttpErrors !== false) options.throwHttpErrors = false;
  return options;
}

const noDelay = (): number => 0;
const ignore = (): void => {};

/** got's `followRedirect` for an attempt that may follow a redirect: not when the request carried the API key. */
const unlessKeySent = (response: PlainResponse): boolean => !keySent(response);

/** {@link unlessKeySent}, and then only where the caller's own `followRedirect` function says so. */
function unlessKeySentAnd(own: (response: PlainResponse) => boolean): (response: PlainResponse) => boolean {
  return (response) => unlessKeySent(response) && own(response);
}

/**
 * Whether the request `response` answers carried `X-MBX-APIKEY`, whoever set it: read from the request node sent
 * (any casing), else from the headers got built it from, after the caller's hooks.
 */
function keySent(response: PlainResponse): boolean {
  const sent = (response as { req?: { getHeader?(name: string): unknown } }).req;
  if (typeof sent?.getHeader === 'function') return sent.getHeader('x-mbx-apikey') !== undefined;
  // got 14 keeps a header a hook added in the casing the hook wrote it in.
  for (const name of Object.keys(response.request.options.headers)) {
    if (name.toLowerCase() === 'x-mbx-apikey' && response.request.options.headers[name] !== undefined) return true;
  }
  return false;
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

/** The query of `url` (from its `?`) when `url` is `base` with parameters appended, as signing makes it. */
function appendedQuery(base: string, url: string): string | undefined {
  // Compared as a slice: V8 runs `startsWith` with a prefix it does not know in advance as a loop over both strings.
  if (url.length <= base.length || url.slice(0, base.length) !== base || base.includes('#')) return undefined;
  const q = base.indexOf('?');
  return url.charCodeAt(base.length) === (q === -1 ? QUESTION_MARK : AMPERSAND)
    ? url.slice(q === -1 ? base.length : q)
    : undefined;
}

const QUESTION_MARK = 0x3f;
const AMPERSAND = 0x26;

/** `result`, the promise a taken call returns, given got's promise methods over `taken` (see CALL_PROMISE). */
export function asCallPromise(result: Promise<unknown>, taken: TakenCall): Promise<unknown> {
  Object.setPrototypeOf(result, CALL_PROMISE);
  (result as unknown as CallPromise)[TAKEN] = taken;
  return result;
}
