import { type GuardTransport, readFetchResponse } from '@binance-errors/core';

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
  read: readFetchResponse,
};
