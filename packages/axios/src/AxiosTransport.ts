import { type Attempt, bodyCutOff, type GuardTransport, type ResponseView } from '@binance-errors/core';
import axios, { type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { copyHeaders, ownCopy } from './copies.ts';
import { isUnread, readBytes } from './unreadBody.ts';

/** Hands every response back: the guard judges the status. */
const everyStatus = (): boolean => true;

/** The `responseType`s axios reads an answer into text for. */
const TEXT_TYPES = new Set<string | undefined>([undefined, 'json', 'text', 'document']);

/**
 * Sends the guard's attempts of one axios request through the request's own adapter, each as a copy of the caller's
 * config with the attempt's method, URL, body and headers. One object a request, rather than an object and two
 * closures over the request's variables.
 */
export class AxiosTransport implements GuardTransport<AxiosResponse> {
  readonly #config: InternalAxiosRequestConfig;
  readonly #adapter: AxiosAdapter;
  /** The body as the guard read it, if any. */
  readonly #body: string | undefined;
  /** Whether the body is a flat object axios made JSON, which goes out as form parameters. */
  readonly #asForm: boolean;

  constructor(config: InternalAxiosRequestConfig, adapter: AxiosAdapter, body: string | undefined, asForm: boolean) {
    this.#config = config;
    this.#adapter = adapter;
    this.#body = body;
    this.#asForm = asForm;
  }

  send(attempt: Attempt): Promise<AxiosResponse> {
    const config = this.#config;
    // A copy per attempt: the inner adapter writes Content-Length into the headers it is given.
    const headers = copyHeaders(config.headers);
    if (attempt.body === undefined && this.#body !== undefined) headers.delete('Content-Type');
    else if (this.#asForm) headers.setContentType('application/x-www-form-urlencoded');
    // axios asks for gzip even with `decompress: false`, and then reads the compressed bytes into text, past repair
    // by anyone; the guard could not read an error's code nor the clock its time. Asked as text, such an answer
    // comes uncompressed (bytes, a stream or a Blob stay compressed: the guard decodes those).
    if (config.decompress === false && TEXT_TYPES.has(config.responseType) && !headers.has('Accept-Encoding')) {
      headers.set('Accept-Encoding', 'identity');
    }
    for (const [name, value] of Object.entries(attempt.headers)) headers.set(name, value);
    const attemptConfig = ownCopy(config);
    attemptConfig.method = attempt.method;
    attemptConfig.url = attempt.url;
    attemptConfig.data = attempt.body;
    attemptConfig.headers = headers;
    if (attempt.signal) attemptConfig.signal = attempt.signal;
    // The attempt's URL is absolute and already carries the (signed) query string. (Set to undefined rather than
    // deleted: a deleted key turns the object into a slow dictionary for everything axios does next.)
    attemptConfig.baseURL = '';
    attemptConfig.params = undefined;
    // The guard judges the status; the inner adapter must hand every response back.
    attemptConfig.validateStatus = everyStatus;
    if (attempt.redirect === 'error') attemptConfig.maxRedirects = 0;
    // The clock reads its samples itself, as bytes, whatever the caller asked its own answers to be (a stream, a
    // Blob; text that `decompress: false` would leave gzip bytes in).
    if (attempt.purpose === 'time') attemptConfig.responseType = 'arraybuffer';
    return this.#adapter(attemptConfig).then(
      (response) => {
        // The user sees the config they sent, not our signed copy.
        response.config = config;
        return response;
      },
      (error: unknown) => {
        // The headers came, the body did not end: axios rejects with the response it had.
        const partial = axios.isAxiosError(error) ? error.response : undefined;
        if (!partial || !/aborted|terminated/i.test((error as Error).message)) throw error;
        throw bodyCutOff(partial.status, partial.headers['content-length'], error);
      },
    );
  }

  read(response: AxiosResponse): ResponseView | Promise<ResponseView> {
    const view = { status: response.status, headers: response.headers, body: response.data };
    // A failure's body the caller asked for as a stream or a Blob is read here, for its code: a -1021 is retried, an
    // error typed. A success's is the caller's, unread.
    return response.status >= 400 && isUnread(response.data)
      ? readBytes(response.data).then((body) => ({ ...view, body }))
      : view;
  }
}
