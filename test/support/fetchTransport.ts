import { type GuardTransport, readFetchResponse } from '@binance-errors/core';

const FORM = 'application/x-www-form-urlencoded';

/**
 * A guard transport over global fetch: what an adapter does, minus the client. It gives fetch only what the attempt
 * has (B1 compares it with bare fetch, which is given a method and headers): a form body with its content type, the
 * signal when there is one, and a redirect the guard judges itself when the attempt must not follow one.
 */
export const fetchTransport: GuardTransport<Response> = {
  send: (attempt) => {
    const init: RequestInit = {
      method: attempt.method,
      headers: attempt.body === undefined ? attempt.headers : { ...attempt.headers, 'content-type': FORM },
    };
    if (attempt.body !== undefined) init.body = attempt.body;
    if (attempt.signal !== undefined) init.signal = attempt.signal;
    if (attempt.redirect === 'error') init.redirect = 'manual';
    return fetch(attempt.url, init);
  },
  read: readFetchResponse,
};
