import type { Credentials } from './Credentials.ts';

/** One request as the adapter hands it to the guard: the unsigned originals. */
export interface GuardRequest {
  /** HTTP method, any case. */
  method: string;
  /** Absolute URL, with the caller's query parameters (unsigned). */
  url: string | URL;
  /** The body as it will be sent (a form-encoded string for Binance), or `undefined`. */
  body?: string | undefined;
  /**
   * The caller's own headers (any common shape). Only read: an `X-MBX-APIKEY` the caller set itself makes the
   * request one that never follows a redirect, and its value is scrubbed from errors like the plugin's own key.
   */
  headers?: unknown;
}

/** Per-call settings an adapter passes along with each request. */
export interface CallOptions {
  /** Key and signer of the adapter that sends the request. */
  credentials?: Credentials | undefined;
  /** `recvWindow` for signed requests, in ms (up to 60000, decimals allowed). @default 5000 */
  recvWindow?: number | undefined;
  /** Force signing on (`true`) or off (`false`); by default the endpoint table decides. */
  signed?: boolean | undefined;
  /** Query the order by its client order id after an unknown outcome of an order placement. @default false */
  reconcile?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Overrides the throttle's `maxWaitMs` for this call, in ms. */
  maxWaitMs?: number | undefined;
}

/** One HTTP attempt, ready to send exactly as it is. */
export interface Attempt {
  method: string;
  /** The URL to send, byte for byte (the signature covers its query string). */
  url: string;
  /** The body to send, byte for byte, or `undefined`. */
  body: string | undefined;
  /** Headers to set on the request (e.g. `X-MBX-APIKEY`). */
  headers: Record<string, string>;
  /** 1 for the first attempt of a call. */
  number: number;
  /** `'call'` for the caller's request; `'time'` and `'reconcile'` for requests the guard makes itself. */
  purpose: 'call' | 'time' | 'reconcile';
  signal: AbortSignal | undefined;
  /**
   * `'error'` when the attempt carries the API key or a signature: the client must not follow a redirect but hand
   * the 3xx response back, and the guard turns it into an error. `'follow'` otherwise.
   */
  redirect: 'follow' | 'error';
}

/** What the guard needs to know about a response. */
export interface ResponseView {
  status: number;
  headers: unknown;
  /** The body (string, bytes or parsed JSON); only needed when the guard asks for it. */
  body?: unknown;
}

/**
 * How the guard sends through a client. `send` performs one HTTP exchange and resolves for ANY status;
 * it rejects only when no response arrived (connection, timeout, abort).
 */
export interface GuardTransport<R> {
  send(attempt: Attempt): Promise<R>;
  /**
   * Reads a response's status and headers, and its body when the status is 400 or more or `withBody` is true
   * (exchangeInfo, time). Must not consume a body the caller will still read.
   */
  read(response: R, withBody: boolean): ResponseView | Promise<ResponseView>;
}

/**
 * A {@link GuardTransport}'s `read` for a fetch `Response`: at once when the guard does not need the body (nearly
 * every success), else from a clone, so the caller still reads the response itself.
 */
export function readFetchResponse(response: Response, withBody: boolean): ResponseView | Promise<ResponseView> {
  if (!withBody && response.status < 400) return { status: response.status, headers: response.headers };
  return readFetchBody(response);
}

/**
 * {@link readFetchResponse} with the body. A function of its own: its closure holds `response`, which would
 * otherwise be kept in a context allocated for every response read.
 */
function readFetchBody(response: Response): Promise<ResponseView> {
  // Bytes rather than text: a fetch that did not decompress hands over an answer's gzip bytes, which the guard
  // decodes (see decodedBody), and which text would have mangled.
  return response
    .clone()
    .arrayBuffer()
    .then((body) => ({ status: response.status, headers: response.headers, body: new Uint8Array(body) }));
}
