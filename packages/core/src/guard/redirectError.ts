import { isIdempotentMethod } from '../catalog/policy.ts';
import { BinanceRequestError } from '../errors/classes.ts';
import { headerEntries, redactUrl } from '../errors/redact.ts';

/** A 3xx answer to a request that carried the API key or a signature, as the guard saw it. */
export interface RedirectedRequest {
  method: string;
  /** `METHOD /path`, for the message. */
  label: string;
  /** The URL that was sent (its signature is redacted before it is stored). */
  url: string;
  status: number;
  headers: unknown;
  /** Exact values to scrub: keys, secrets, signatures of the call. */
  secrets: readonly string[];
}

/**
 * The error for a redirect the guard did not follow because the request carried the key or a signature: it names
 * where the redirect pointed (redacted), and says nothing was sent there. A read did not execute; anything else
 * may have, if a proxy passed it on before redirecting.
 */
export function redirectError(r: RedirectedRequest): BinanceRequestError {
  const location = headerEntries(r.headers).find(([name]) => name.toLowerCase() === 'location')?.[1];
  const target = location === undefined ? 'no Location' : redactUrl(location, r.secrets);
  return new BinanceRequestError({
    message:
      `Binance ${r.label} was answered HTTP ${r.status} redirecting to ${target}; the redirect was not ` +
      'followed, because the request carries the API key or a signature.',
    status: r.status,
    executed: isIdempotentMethod(r.method) ? 'no' : 'unknown',
    retryable: false,
    hint:
      'Point the client at the address the exchange answers on itself (its base URL or the `origins` option); ' +
      'keys and signatures are never sent on to another address.',
    data: { location: target },
    request: { method: r.method, url: redactUrl(r.url, r.secrets) },
    secrets: r.secrets,
  });
}
