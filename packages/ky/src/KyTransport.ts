import {
  type Attempt,
  bodyCutOff,
  formContentType,
  type GuardTransport,
  readFetchResponse,
} from '@binance-errors/core';
import type { Options } from 'ky';
import { BufferedResponse } from './BufferedResponse.ts';

export type Fetch = NonNullable<Options['fetch']>;

/**
 * The fetch a request uses when ky was given none: the platform's, looked up when called, as ky looks it up for each
 * request. One function for every request, rather than a bound copy each, which tells {@link KyTransport} that the
 * fetch it calls takes a URL as well as a Request.
 */
export const platformFetch: Fetch = (input, init) => globalThis.fetch(input, init);

/** Statuses whose Response cannot carry a body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** The plugin's note on a request, which says whether an attempt of it went out. */
interface Sent {
  sent: boolean;
}

/**
 * Sends the guard's attempts of one ky request through the request's own fetch: the request as ky made it when the
 * guard adds nothing (a public request), else the guard's URL, body and headers (to the platform's fetch as a URL and
 * init, to a fetch of the user's as a Request). One object a request, rather than an object and a closure over the
 * request's variables.
 */
export class KyTransport implements GuardTransport<Response> {
  readonly #inner: Fetch;
  readonly #request: Request;
  readonly #url: string;
  /** The body as the caller gave it (form text), if any. */
  readonly #body: string | undefined;
  /** What the fetch is given beside the Request. */
  readonly #fetchInit: Parameters<Fetch>[1];
  readonly #scope: Sent;

  constructor(
    inner: Fetch,
    request: Request,
    url: string,
    body: string | undefined,
    fetchInit: Parameters<Fetch>[1],
    scope: Sent,
  ) {
    this.#inner = inner;
    this.#request = request;
    this.#url = url;
    this.#body = body;
    this.#fetchInit = fetchInit;
    this.#scope = scope;
  }

  // A chain rather than an async function: its frame would live across the whole round trip.
  send(attempt: Attempt): Promise<Response> {
    if (attempt.purpose === 'call') this.#scope.sent = true;
    const request = this.#request;
    if (
      request.body === null &&
      attempt.url === this.#url &&
      attempt.method === request.method &&
      attempt.redirect === 'follow' &&
      Object.keys(attempt.headers).length === 0
    ) {
      // Nothing to sign or add (a public request): ky's own request goes out as it is, without a copy.
      // (`Promise.resolve`: a custom fetch may answer without a promise; a promise passes as it is.)
      return Promise.resolve(this.#inner(request, this.#fetchInit)).then(readWhole);
    }
    const headers = new Headers(request.headers);
    if (attempt.body === undefined && this.#body !== undefined) headers.delete('content-type');
    const contentType = attempt.body === undefined ? undefined : formContentType(headers.get('content-type'));
    if (contentType) headers.set('content-type', contentType);
    for (const [name, value] of Object.entries(attempt.headers)) headers.set(name, value);
    const init: RequestInit = {
      method: attempt.method,
      headers,
      body: attempt.body ?? null,
      signal: attempt.signal ?? request.signal,
      redirect: attempt.redirect === 'error' ? 'manual' : request.redirect,
    };
    // The platform's fetch is given the URL and the init: the Request it makes of them is the only one, and fetch
    // keeps it, with the signal it follows, while the request is in flight (an abort after a collection still
    // reaches the wire). The options ky hands a fetch beside its Request (a `dispatcher`, …) are not Request fields.
    if (this.#inner === platformFetch)
      return platformFetch(attempt.url, { ...this.#fetchInit, ...init }).then(readWhole);
    return viaRequest(this.#inner, attempt.url, init, this.#fetchInit);
  }

  /** {@link readFetchResponse}: the body is read only when the guard needs it, from a clone. */
  read(response: Response, withBody: boolean): ReturnType<typeof readFetchResponse> {
    return readFetchResponse(response, withBody);
  }
}

/**
 * A fetch of the user's is handed a Request, as ky hands it one. That Request lives until its body is read: a Request
 * follows its signal only while it lives (nodejs/undici#4068), and fetch's own copy follows this one's. Collected, an
 * abort would no longer reach the wire, and an order would stay in flight after its caller gave up. (A function of
 * its own: the closure that keeps the Request would otherwise cost a context on every attempt `send` sends.)
 */
function viaRequest(inner: Fetch, url: string, init: RequestInit, fetchInit: Parameters<Fetch>[1]): Promise<Response> {
  const attemptRequest = new Request(url, init);
  return Promise.resolve(inner(attemptRequest, fetchInit))
    .then(readWhole)
    .finally(() => attemptRequest);
}

/**
 * The response with its whole body read, so that a body cut off by the connection fails inside the guard — as a
 * typed error saying so — rather than later in the caller's `.json()`.
 */
function readWhole(response: Response): Response | Promise<Response> {
  // Already read whole: a custom fetch that answered with a response it had answered with before.
  if (BufferedResponse.isBuffered(response)) return response;
  if (response.body === null || NULL_BODY.has(response.status)) return response;
  return response.arrayBuffer().then(
    (bytes) => BufferedResponse.of(bytes, response),
    (cause: unknown) => {
      throw bodyCutOff(response.status, response.headers.get('content-length'), cause);
    },
  );
}
