// The "how to handle it" code on every error page, per client and category. The generator puts these on the pages;
// check-snippets.ts compiles every combination, so a page never shows code that does not type-check.
import type { BinanceErrorCategory } from '@binance-errors/core';

export type Client = 'axios' | 'ky' | 'got';
export const CLIENTS: readonly Client[] = ['axios', 'ky', 'got'];

const CREDENTIALS = 'apiKey: process.env.BINANCE_API_KEY, apiSecret: process.env.BINANCE_API_SECRET';

interface ClientParts {
  setup: string;
  /** An expression that sends `method` to `path` with the query parameters in the variable `params`. */
  send(method: 'get' | 'post' | 'delete', path: string, params: string): string;
}

const PARTS: Record<Client, ClientParts> = {
  axios: {
    setup: `import axios from 'axios';
import { binanceErrors, isBinanceError } from '@binance-errors/axios';

const api = axios.create({ baseURL: 'https://api.binance.com' });
binanceErrors({ ${CREDENTIALS} }).install(api);`,
    send: (method, path, params) =>
      method === 'post'
        ? `(await api.post(${q(`/${path}`)}, null, { params: ${params} })).data`
        : `(await api.${method}(${q(`/${path}`)}, { params: ${params} })).data`,
  },
  ky: {
    setup: `import ky from 'ky';
import { binanceErrors, isBinanceError } from '@binance-errors/ky';

const api = ky.extend(binanceErrors({ ${CREDENTIALS} })).extend({ baseUrl: 'https://api.binance.com' });`,
    send: (method, path, params) => `await api.${method}(${q(path)}, { searchParams: ${params} }).json()`,
  },
  got: {
    setup: `import got from 'got';
import { binanceErrors, isBinanceError } from '@binance-errors/got';

const api = got.extend({ prefixUrl: 'https://api.binance.com' }, binanceErrors({ ${CREDENTIALS} }));`,
    send: (method, path, params) => `await api.${method}(${q(path)}, { searchParams: ${params} }).json()`,
  },
};

function q(text: string): string {
  return `'${text}'`;
}

const ORDER = `const order = {
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  timeInForce: 'GTC',
  quantity: '0.00123',
  price: '65000.00',
  newClientOrderId: 'my-bot-42',
};`;

const CANCEL = `const cancel = { symbol: 'BTCUSDT', origClientOrderId: 'my-bot-42' };`;

interface Handling {
  /** Extra imports (e.g. a sleep). */
  imports?: string;
  /** The request: `'place'` an order or `'cancel'` one. */
  request: 'place' | 'cancel';
  /** The catch block after the narrowing line; `send` builds a follow-up request in the client's words. */
  body(send: ClientParts['send']): string;
}

const SLEEP = `import { setTimeout as sleep } from 'node:timers/promises';`;

const lookup = (send: ClientParts['send']) =>
  `let found: unknown;
  try {
    found = ${send('get', 'api/v3/order', '{ symbol: order.symbol, origClientOrderId: order.newClientOrderId }')};
  } catch (lookupError) {
    if (!isBinanceError(lookupError, 'not-found')) throw lookupError;
  }
  console.log(found === undefined ? 'not placed: safe to send again' : 'it exists: do not send it again');`;

const HANDLING: Record<BinanceErrorCategory, Handling> = {
  network: {
    request: 'place',
    body: (
      send,
    ) => `// Reads were already retried. An order may have reached the exchange: look before sending it again.
  ${lookup(send)}`,
  },
  timeout: {
    request: 'place',
    body: (send) => `// The client stopped waiting, not the exchange: the order may exist. Look before sending it again.
  ${lookup(send)}`,
  },
  'unknown-outcome': {
    request: 'place',
    body: (
      send,
    ) => `// Binance does not know whether the order executed. Look it up (\`reconcile: true\` does this for you).
  ${lookup(send)}`,
  },
  server: {
    request: 'place',
    body: (
      send,
    ) => `// An internal error: reads were already retried with backoff. For an order, look before re-sending.
  ${lookup(send)}`,
  },
  aborted: {
    request: 'place',
    body: () => `// Your AbortSignal fired. If the request was already sent, the order may exist (e.executed === 'unknown').
  console.log('aborted', e.request?.url, 'executed:', e.executed);`,
  },
  'rate-limit': {
    imports: SLEEP,
    request: 'place',
    body: () => `// The plugin already paused every request until Retry-After and retried where it could wait that long.
  // Includes 418 bans (e.category === 'ip-ban', with e.bannedUntil).
  await sleep(e.retryAfterMs ?? 60_000);`,
  },
  'ip-ban': {
    request: 'place',
    body: () => `// Every request from this IP now fails fast locally until the ban ends. Stop your workers until then.
  console.error(\`IP banned until \${e.bannedUntil?.toISOString()}: \${e.hint}\`);`,
  },
  'restricted-location': {
    request: 'place',
    body: () => `// Refused for this location (451 or a CDN country block): retrying cannot help. Stop and fix the setup.
  console.error(e.message, '\\n', e.hint);
  process.exitCode = 1;`,
  },
  waf: {
    request: 'place',
    body: () => `// A firewall blocked it. Do not repeat it unchanged: look at the parameters (e.request is redacted).
  console.error('blocked by the WAF', e.request);`,
  },
  'server-busy': {
    imports: SLEEP,
    request: 'place',
    body: (send) => `// Overloaded, answered with a 5xx: an order may still have executed (e.executed === 'unknown').
  // The breaker counts these and opens during a storm. Look the order up before sending it again.
  await sleep(e.retryAfterMs ?? 30_000);
  ${lookup(send)}`,
  },
  auth: {
    request: 'place',
    body: () => `// Sending it again will fail the same way: fix the key, its permissions or its IP whitelist.
  console.error(e.message, '\\n', e.hint);
  process.exitCode = 1;`,
  },
  signature: {
    request: 'place',
    body: () => `// With the plugin signing, this usually means a wrong secret, or a proxy that changed the bytes.
  console.error(e.message, '\\n', e.hint);
  process.exitCode = 1;`,
  },
  timestamp: {
    request: 'place',
    body: () => `// The plugin already resynced its clock and retried once. "1000ms ahead" means the host clock runs fast,
  // which no recvWindow fixes; "outside of the recvWindow" means the host clock jumps or the latency is close to
  // recvWindow. Check NTP first; Binance recommends a recvWindow of 5000 ms or less.
  console.error(e.msg, e.hint);`,
  },
  request: {
    request: 'place',
    body: () => `// The request itself is wrong; e.msg names the parameter. Fix the code, do not retry.
  console.error(e.msg);`,
  },
  filter: {
    request: 'place',
    body: () => `// e.filter names the symbol rule the order broke, e.g. 'LOT_SIZE' or 'PRICE_FILTER'.
  // Round price and quantity to the symbol's filters from exchangeInfo, then place it again.
  console.error(\`\${order.symbol} rejected by \${e.filter}: \${e.hint}\`);`,
  },
  'order-rejected': {
    request: 'place',
    body: () => `// e.reason is the matching engine's reason, e.g. 'INSUFFICIENT_BALANCE' or 'MARKET_CLOSED'.
  if (e.reason === 'INSUFFICIENT_BALANCE') console.error('top up or reduce the quantity');
  else console.error(e.reason, e.hint);`,
  },
  'not-found': {
    request: 'cancel',
    body: () => `// The order is not open: filled, cancelled, expired or never placed. There is nothing left to cancel.
  console.log('already gone', cancel.origClientOrderId, e.msg);`,
  },
  partial: {
    request: 'place',
    body: () => `// A cancel-replace: e.data says which half went through. e.executed === 'partial' when exactly one did.
  const { cancelResult, newOrderResult } = e.data as { cancelResult: string; newOrderResult: string };
  console.log({ cancelResult, newOrderResult, executed: e.executed });`,
  },
  'circuit-open': {
    imports: SLEEP,
    request: 'place',
    body: () => `// Nothing was sent: the breaker is open after -1008 overloads. Cancels still pass.
  await sleep(e.retryAfterMs ?? 30_000);`,
  },
  throttled: {
    imports: SLEEP,
    request: 'place',
    body: () => `// Nothing was sent: waiting for budget would have taken longer than maxWaitMs.
  await sleep(e.retryAfterMs ?? 1_000);`,
  },
  unknown: {
    request: 'place',
    body: () => `// Unrecognised: e.toJSON() carries everything known, with secrets removed. Do not retry blindly.
  console.error(JSON.stringify(e));`,
  },
};

/** The snippet that shows how to handle a `category` error with `client`. */
export function snippet(client: Client, category: BinanceErrorCategory): string {
  const parts = PARTS[client];
  const handling = HANDLING[category];
  const setup = handling.imports ? `${handling.imports}\n${parts.setup}` : parts.setup;
  const request =
    handling.request === 'place'
      ? `${ORDER}\n\ntry {\n  const placed = ${parts.send('post', 'api/v3/order', 'order')};\n  console.log(placed);\n}`
      : `${CANCEL}\n\ntry {\n  const cancelled = ${parts.send('delete', 'api/v3/order', 'cancel')};\n  console.log(cancelled);\n}`;
  return `${setup}\n\n${request} catch (e) {\n  if (!isBinanceError(e, '${category}')) throw e;\n  ${handling.body(parts.send)}\n}\n`;
}
