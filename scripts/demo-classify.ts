/**
 * The classifier part of `npm start`: canned responses — error bodies as Binance sends them, a CDN's and a WAF's
 * pages, a WebSocket API frame and socket errors — turned into typed, redacted errors, printed as a table. Nothing is
 * sent anywhere: the URLs only show what the redacted request on an error looks like.
 */
import { classify } from '@binance-errors/core';

const SIGNED_URL =
  'https://api.binance.com/api/v3/order?symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.0001&price=1&timestamp=1499827319559&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';
const order = { method: 'POST', url: SIGNED_URL };
const depth = { method: 'GET', url: 'https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=5000' };

const samples: Array<{ what: string; input: Parameters<typeof classify>[0] }> = [
  {
    what: 'clock drift',
    input: {
      status: 400,
      body: '{"code":-1021,"msg":"Timestamp for this request was 1000ms ahead of the server\'s time."}',
      request: order,
    },
  },
  {
    what: 'quantity not on step',
    input: { status: 400, body: '{"code":-1013,"msg":"Filter failure: LOT_SIZE"}', request: order },
  },
  {
    what: 'not enough USDT',
    input: {
      status: 400,
      body: '{"code":-2010,"msg":"Account has insufficient balance for requested action."}',
      request: order,
    },
  },
  {
    what: 'cancel of a filled order',
    input: {
      status: 400,
      body: '{"code":-2011,"msg":"Unknown order sent."}',
      request: { method: 'DELETE', url: SIGNED_URL },
    },
  },
  {
    what: 'weight exceeded',
    input: {
      status: 429,
      headers: { 'retry-after': '17' },
      body: '{"code":-1003,"msg":"Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API."}',
      request: depth,
    },
  },
  {
    what: 'IP banned',
    input: {
      status: 418,
      headers: { 'retry-after': '120' },
      body: '{"code":-1003,"msg":"Way too much request weight used; IP banned until 1659146400000. Please use WebSocket Streams for live updates to avoid bans."}',
      request: depth,
    },
  },
  {
    what: 'overload',
    input: {
      status: 503,
      body: '{"code":-1008,"msg":"Server is currently overloaded with other requests. Please try again in a few minutes."}',
      request: order,
    },
  },
  {
    what: 'backend timeout',
    input: {
      status: 503,
      body: '{"code":-1007,"msg":"Timeout waiting for response from backend server. Send status unknown; execution status unknown."}',
      request: order,
    },
  },
  {
    what: 'CDN error page',
    input: {
      status: 502,
      body: '<html><head><title>502 Bad Gateway</title></head></html>',
      request: depth,
    },
  },
  {
    what: 'WAF block',
    input: {
      status: 403,
      body: '<HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD></HTML>',
      request: order,
    },
  },
  {
    what: 'cancel-replace half done',
    input: {
      status: 409,
      body: '{"code":-2021,"msg":"Order cancel-replace partially failed.","data":{"cancelResult":"SUCCESS","newOrderResult":"FAILURE"}}',
      request: { method: 'POST', url: 'https://api.binance.com/api/v3/order/cancelReplace?symbol=BTCUSDT' },
    },
  },
  {
    what: 'WebSocket API ban frame',
    input: {
      body: {
        id: 7,
        status: 418,
        error: {
          code: -1003,
          msg: 'Way too much request weight used; IP banned until 1659146400000. Please use WebSocket Streams for live updates to avoid bans.',
          data: { serverTime: 1659142907531, retryAfter: 1659146400000 },
        },
      },
    },
  },
  {
    what: 'connection reset',
    input: { error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), request: order },
  },
  {
    what: 'DNS failure',
    input: {
      error: Object.assign(new Error('getaddrinfo ENOTFOUND api.binance.com'), { code: 'ENOTFOUND' }),
      request: order,
    },
  },
];

/** Prints the classifier table; returns how many samples were classified (every one is). */
export function demoClassifier(write: (line: string) => void): number {
  const rows = samples.map(({ what, input }) => {
    const e = classify(input);
    return [
      what,
      e.request ? `${e.request.method} ${new URL(e.request.url, 'https://api.binance.com').pathname}` : 'WebSocket API',
      e.name,
      e.category,
      e.retryable ? 'yes' : 'no',
      e.executed,
      [e.filter, e.reason].filter(Boolean).join(' ') || '-',
    ];
  });
  const head = ['what happened', 'request', 'class', 'category', 'retry?', 'executed', 'detail'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  write(line(head));
  write(line(widths.map((w) => '─'.repeat(w))));
  for (const row of rows) write(line(row));
  const example = classify(samples[0]!.input);
  write('');
  write(`  err.message  ${example.message}`);
  write(`  err.hint     ${example.hint}`);
  write(`  err.docsUrl  ${example.docsUrl}`);
  write(`  err.request  ${JSON.stringify(example.request)}`);
  write('               ↑ the signature is redacted: no error, log or toJSON() carries it');
  return rows.length;
}
