import { isBinanceError, redactDeep, redactHeaders, redactText, redactUrl } from '@binance-errors/core';
import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';

/**
 * Gives a `BinanceError` what axios' ecosystem reads on an `AxiosError`: `isAxiosError` and the caller's `config`
 * with its secrets removed (the `X-MBX-APIKEY` header, a `signature` parameter, the agents). `response` (status, headers,
 * Binance's body) and `request` are the error's own; a cancelled call passes `axios.isCancel`. A request refused before sending (`sent: false`) also tells
 * axios-retry not to retry it: sending it again at once would only be refused again, and waiting longer is what
 * `maxWaitMs` forbids.
 */
export function asAxiosError(error: unknown, config: InternalAxiosRequestConfig, secrets: readonly string[]): unknown {
  if (!isBinanceError(error) || (error as { isAxiosError?: unknown }).isAxiosError === true) return error;
  const safe: Record<string, unknown> = {
    ...config,
    url: config.url === undefined ? undefined : redactUrl(config.url, secrets),
    params:
      config.params instanceof URLSearchParams
        ? new URLSearchParams(redactUrl(`?${config.params}`, secrets).slice(1))
        : redactDeep(config.params, secrets),
    data: typeof config.data === 'string' ? redactText(config.data, secrets) : redactDeep(config.data, secrets),
    headers: new AxiosHeaders(redactHeaders(config.headers, secrets)),
    auth: undefined,
    // An agent's sockets reach the requests in flight on it, whose raw text holds the key and the signed query. A
    // retry layer sending this config again through the instance gets the instance's agents back from its defaults.
    httpAgent: undefined,
    httpsAgent: undefined,
  };
  const retryState = safe[AXIOS_RETRY];
  if (error.sent === false && retryState !== null && typeof retryState === 'object') {
    safe[AXIOS_RETRY] = { ...retryState, retries: 0 };
  }
  Object.defineProperties(error, {
    isAxiosError: { value: true, configurable: true },
    config: { value: safe, configurable: true },
    // A call its caller cancelled (signal or cancel token) passes `axios.isCancel`, which reads this mark, as the
    // CanceledError of axios' own did; axios-retry leaves it alone for the same reason.
    ...(error.category === 'aborted' && { __CANCEL__: { value: true, configurable: true } }),
  });
  return error;
}

/** The per-request config key of axios-retry (its documented per-request override). */
const AXIOS_RETRY = 'axios-retry';
