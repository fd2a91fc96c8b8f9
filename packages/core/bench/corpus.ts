import errors from '../data/errors.json' with { type: 'json' };
import messages from '../data/messages.json' with { type: 'json' };

/** One failed response as it comes off the wire. */
export interface CorpusItem {
  status: number;
  headers: Record<string, string>;
  body: string;
  request: { method: string; url: string };
}

const URL_SIGNED =
  'https://api.binance.com/api/v3/order?symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=0.1&timestamp=1499827319559&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';

/**
 * A mixed corpus of real error bodies: every code's documented message, every filter and matching-engine
 * message, WebSocket frames, cancel-replace 409s and HTML pages from a CDN, roughly in the proportions a
 * trading bot sees them (rejections and filters dominate).
 */
export function buildCorpus(): CorpusItem[] {
  const items: CorpusItem[] = [];
  const add = (status: number, body: string, headers: Record<string, string> = {}) =>
    items.push({
      status,
      headers: { 'content-type': 'application/json', ...headers },
      body,
      request: { method: 'POST', url: URL_SIGNED },
    });
  for (const e of errors) add(e.http ?? 400, JSON.stringify({ code: e.code, msg: e.messages[0] ?? 'x' }));
  for (const m of messages) add(400, JSON.stringify({ code: m.codes[0], msg: m.message }));
  add(
    429,
    JSON.stringify({
      code: -1003,
      msg: 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.',
    }),
    { 'retry-after': '17' },
  );
  add(
    409,
    JSON.stringify({
      code: -2021,
      msg: 'Order cancel-replace partially failed.',
      data: {
        cancelResult: 'SUCCESS',
        newOrderResult: 'FAILURE',
        cancelResponse: {
          symbol: 'BTCUSDT',
          origClientOrderId: 'abc',
          orderId: 1,
          orderListId: -1,
          clientOrderId: 'def',
          transactTime: 1,
          price: '0.1',
          origQty: '1',
          executedQty: '0',
          origQuoteOrderQty: '0',
          cummulativeQuoteQty: '0',
          status: 'CANCELED',
          timeInForce: 'GTC',
          type: 'LIMIT',
          side: 'BUY',
          selfTradePreventionMode: 'NONE',
        },
        newOrderResponse: { code: -2010, msg: 'Order would immediately match and take.' },
      },
    }),
  );
  add(
    418,
    JSON.stringify({
      id: 'x',
      status: 418,
      error: {
        code: -1003,
        msg: 'Way too much request weight used; IP banned until 1659146400000. Please use WebSocket Streams for live updates to avoid bans.',
        data: { serverTime: 1659142907531, retryAfter: 1659146400000 },
      },
      rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000, count: 12000 }],
    }),
  );
  add(
    403,
    '<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1"><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY><H1>403 ERROR</H1><H2>The request could not be satisfied.</H2><HR noshade size="1px">Request blocked.</BODY></HTML>',
    { 'content-type': 'text/html' },
  );
  add(
    502,
    '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
    { 'content-type': 'text/html' },
  );
  return items;
}
