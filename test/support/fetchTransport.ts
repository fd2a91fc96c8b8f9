import type { GuardTransport } from '@binance-errors/core';

/** A guard transport over global fetch: what an adapter does, minus the client. */
export const fetchTransport: GuardTransport<Response> = {
  send: (attempt) =>
    fetch(attempt.url, {
      method: attempt.method,
      headers: {
        ...attempt.headers,
        ...(attempt.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: attempt.body ?? null,
      signal: attempt.signal ?? null,
    }),
  // At once when the body is not needed, as the adapters' transports read a success.
  read: (response, withBody) =>
    withBody || response.status >= 400
      ? response
          .clone()
          .text()
          .then((body) => ({ status: response.status, headers: response.headers, body }))
      : { status: response.status, headers: response.headers, body: undefined },
};
