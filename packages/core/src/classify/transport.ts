import { redactedExcerpt } from '../errors/redact.ts';

/** How a request failed before any HTTP response arrived. */
export interface TransportFailure {
  /** `'request'`: the client or the runtime refused to build or send the request; nothing left, and nothing will. */
  category: 'network' | 'timeout' | 'aborted' | 'request';
  /** `false` when the failure happened before a byte could reach the exchange (refused, DNS, TLS, connect timeout). */
  maybeSent: boolean;
  /**
   * `true` when the failure itself proves nothing left, even for a request its client had been handed: a refusal to
   * build it, or a connection that never opened (refused, a name not found, a certificate refused).
   */
  unsent: boolean;
  /** The most specific system or library code found, e.g. `'ECONNRESET'`. */
  code: string | undefined;
  /** A short description for the error message. */
  description: string;
}

// Failures of a connection that never opened: no byte of any request can have left on it.
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'ERR_INVALID_URL',
]);
// Failures that happen before the request can reach Binance: nothing can have executed. An unreachable host or
// network usually fails the connect, but Linux also reports it on an open connection whose packets stop arriving,
// so for a request already handed over it proves nothing.
const NOT_SENT = new Set([...NEVER_CONNECTED, 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN']);
// The client or Node refusing the request while building it (a header name or value it cannot send, an option it
// rejects, a body over axios' `maxBodyLength`): no byte has left, and the same request would be refused again.
// axios raises ERR_BAD_REQUEST for 4xx answers too, but those come with a response and are read as one.
const REFUSED_CODES = new Set([
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_UNESCAPED_CHARACTERS',
  'ERR_INVALID_PROTOCOL',
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_BAD_REQUEST',
  'ERR_NOT_SUPPORT',
]);

/** Marks an error as {@link refusedByClient} does (shared by every copy of the package). */
const REFUSED_BEFORE_SENDING = Symbol.for('@binance-errors/refused-before-sending');

/**
 * Marks `error`, which a client raised before its request could leave, as a refusal where no code says so (got
 * refusing an option while it builds the request, say): the guard then neither counts it as sent nor sends it again.
 * For adapters, which know when a request left. Returns `error`; anything but an object is returned as it is.
 */
export function refusedByClient<E>(error: E): E {
  if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
    Object.defineProperty(error, REFUSED_BEFORE_SENDING, { value: true });
  }
  return error;
}

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const TIMEOUT_NAMES = new Set(['TimeoutError']);
const ABORT_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);
const ABORT_NAMES = new Set(['AbortError', 'CanceledError', 'CancelError']);
const NETWORK_NAMES = new Set(['NetworkError', 'RequestError', 'ReadError', 'UploadError', 'FetchError']);

interface Facts {
  codes: string[];
  names: string[];
  messages: string[];
}

/**
 * Reads a transport error as axios, ky, got, undici/fetch or Node report it — following `cause` chains — and says
 * whether it was a timeout, an abort or a network failure, and whether the request may have been sent.
 * Returns `undefined` when nothing about it looks like a transport failure.
 */
export function readTransportError(error: unknown, secrets: readonly string[] = []): TransportFailure | undefined {
  const facts: Facts = { codes: [], names: [], messages: [] };
  collect(error, facts, 0);
  const { codes, names, messages } = facts;
  const code =
    codes.find((c) => NOT_SENT.has(c) || TIMEOUT_CODES.has(c)) ?? codes.find((c) => /^E[A-Z]/.test(c)) ?? codes[0];
  const maybeSent = !codes.some((c) => NOT_SENT.has(c));
  const unsent = codes.some((c) => NEVER_CONNECTED.has(c));
  // A client's error and its cause often say the same thing: said once.
  const text = [...new Set(messages)].join(' | ');

  if (
    (error as { [REFUSED_BEFORE_SENDING]?: unknown } | null)?.[REFUSED_BEFORE_SENDING] === true ||
    codes.some((c) => REFUSED_CODES.has(c))
  ) {
    const description = describe('was refused before it was sent', code, text, secrets);
    return { category: 'request', maybeSent: false, unsent: true, code, description };
  }
  // Timeouts first: axios reports its own timeout as ECONNABORTED "timeout of 100ms exceeded", and
  // AbortSignal.timeout() aborts with a TimeoutError DOMException.
  if (
    codes.some((c) => TIMEOUT_CODES.has(c)) ||
    names.some((n) => TIMEOUT_NAMES.has(n)) ||
    (codes.includes('ECONNABORTED') && /timeout/i.test(text))
  ) {
    return { category: 'timeout', maybeSent, unsent, code, description: describe('timed out', code, text, secrets) };
  }
  if (codes.some((c) => ABORT_CODES.has(c)) || names.some((n) => ABORT_NAMES.has(n))) {
    return { category: 'aborted', maybeSent, unsent, code, description: describe('was aborted', code, text, secrets) };
  }
  if (
    codes.length > 0 ||
    names.some((n) => NETWORK_NAMES.has(n)) ||
    /fetch failed|socket hang up|network error|other side closed|request failed after \d+ retries/i.test(text)
  ) {
    return {
      category: 'network',
      maybeSent,
      unsent,
      code,
      description: describe('failed on the network', code, text, secrets),
    };
  }
  return undefined;
}

function describe(what: string, code: string | undefined, text: string, secrets: readonly string[]): string {
  const detail = redactedExcerpt(text, 200, secrets);
  return `${what}${code ? ` (${code})` : ''}${detail ? `: ${detail}` : ''}`;
}

function collect(value: unknown, facts: Facts, depth: number): void {
  if (depth > 5 || value === null || typeof value !== 'object') {
    if (typeof value === 'string' && depth === 0) facts.messages.push(value);
    return;
  }
  const v = value as { code?: unknown; errno?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  try {
    if (typeof v.code === 'string') facts.codes.push(v.code);
    if (typeof v.name === 'string') facts.names.push(v.name);
    if (typeof v.message === 'string' && v.message) facts.messages.push(v.message);
    collect(v.cause, facts, depth + 1);
    const errors = (value as { errors?: unknown }).errors; // AggregateError from happy-eyeballs connects
    if (Array.isArray(errors)) for (const e of errors.slice(0, 4)) collect(e, facts, depth + 1);
  } catch {
    // A getter that throws tells us nothing.
  }
}
