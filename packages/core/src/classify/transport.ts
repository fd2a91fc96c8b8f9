import { redactedExcerpt } from '../errors/redact.ts';

/** How a request failed before any HTTP response arrived. */
export interface TransportFailure {
  category: 'network' | 'timeout' | 'aborted';
  /** `false` when the failure happened before a byte could reach the exchange (refused, DNS, TLS, connect timeout). */
  maybeSent: boolean;
  /** The most specific system or library code found, e.g. `'ECONNRESET'`. */
  code: string | undefined;
  /** A short description for the error message. */
  description: string;
}

// Failures that happen before the request can reach Binance: nothing can have executed.
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'ERR_INVALID_URL',
]);
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
  const text = messages.join(' | ');

  // Timeouts first: axios reports its own timeout as ECONNABORTED "timeout of 100ms exceeded", and
  // AbortSignal.timeout() aborts with a TimeoutError DOMException.
  if (
    codes.some((c) => TIMEOUT_CODES.has(c)) ||
    names.some((n) => TIMEOUT_NAMES.has(n)) ||
    (codes.includes('ECONNABORTED') && /timeout/i.test(text))
  ) {
    return { category: 'timeout', maybeSent, code, description: describe('timed out', code, text, secrets) };
  }
  if (codes.some((c) => ABORT_CODES.has(c)) || names.some((n) => ABORT_NAMES.has(n))) {
    return { category: 'aborted', maybeSent, code, description: describe('was aborted', code, text, secrets) };
  }
  if (
    codes.length > 0 ||
    names.some((n) => NETWORK_NAMES.has(n)) ||
    /fetch failed|socket hang up|network error|other side closed|request failed after \d+ retries/i.test(text)
  ) {
    return {
      category: 'network',
      maybeSent,
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
