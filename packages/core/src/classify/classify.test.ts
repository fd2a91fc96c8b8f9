import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { BinanceError } from '../errors/BinanceError.ts';
import { BinanceIpBanError, BinanceRateLimitError } from '../errors/classes.ts';
import { isBinanceError } from '../errors/isBinanceError.ts';
import { classify } from './classify.ts';
import { refusedByClient } from './transport.ts';

const NOW = 1_700_000_000_000;

describe('classify', () => {
  describe('REST bodies', () => {
    it('reads a JSON string, bytes or a parsed object alike', () => {
      const text = '{"code":-1121,"msg":"Invalid symbol."}';
      for (const body of [text, Buffer.from(text), new TextEncoder().encode(text), JSON.parse(text)]) {
        const err = classify({ status: 400, body });
        expect(err.category).toBe('request');
        expect(err.code).toBe(-1121);
        expect(err.msg).toBe('Invalid symbol.');
        expect(err.response?.data).toEqual({ code: -1121, msg: 'Invalid symbol.' });
      }
    });

    it('matches by code first, so a reworded message still classifies', () => {
      const err = classify({ status: 400, body: { code: -1021, msg: 'Some future wording.' } });
      expect(err.category).toBe('timestamp');
      expect(err.retryable).toBe(true);
    });

    it('matches by message when the code is missing', () => {
      const err = classify({ status: 400, body: { msg: 'Signature for this request is not valid.' } });
      expect(err.category).toBe('signature');
    });

    it('reads the limit from a -1003 and -1015 message', () => {
      const weight = classify({
        status: 429,
        headers: { 'retry-after': '12' },
        body: {
          code: -1003,
          msg: 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.',
        },
        now: NOW,
      });
      expect(weight).toBeInstanceOf(BinanceRateLimitError);
      expect(weight.retryAfterMs).toBe(12_000);
      expect(weight.rateLimit).toEqual({
        rateLimitType: 'REQUEST_WEIGHT',
        interval: 'MINUTE',
        intervalNum: 1,
        limit: 6000,
      });
      const orders = classify({
        status: 429,
        body: { code: -1015, msg: 'Too many new orders; current limit is 50 orders per 10 SECOND.' },
      });
      expect(orders.rateLimit).toEqual({ rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 });
    });

    it('turns a 418 into an IP ban with bannedUntil from the message', () => {
      const err = classify({
        status: 418,
        body: {
          code: -1003,
          msg: 'Way too much request weight used; IP banned until 1700000120000. Please use WebSocket Streams for live updates to avoid bans.',
        },
        now: NOW,
      });
      expect(err).toBeInstanceOf(BinanceIpBanError);
      expect(err).toBeInstanceOf(BinanceRateLimitError);
      expect(err.bannedUntil?.getTime()).toBe(1_700_000_120_000);
      expect(err.retryAfterMs).toBe(120_000);
      expect(isBinanceError(err, 'rate-limit')).toBe(true);
      expect(isBinanceError(err, 'ip-ban')).toBe(true);
    });

    it('gives a 418 the later of its Retry-After and the ban its message dates', () => {
      const body = {
        code: -1003,
        msg: 'Way too much request weight used; IP banned until 1700000120000. Please use WebSocket Streams for live updates to avoid bans.',
      };
      for (const retryAfter of ['0', '-1', '1.5', 'soon']) {
        const err = classify({ status: 418, headers: { 'retry-after': retryAfter }, body, now: NOW });
        expect(err.retryAfterMs, `Retry-After ${retryAfter}`).toBe(120_000);
      }
      expect(classify({ status: 418, headers: { 'retry-after': '300' }, body, now: NOW }).retryAfterMs).toBe(300_000);
    });

    it('keeps the cancel-replace data and says what executed', () => {
      const data = { cancelResult: 'SUCCESS', newOrderResult: 'FAILURE', newOrderResponse: { code: -2010, msg: 'x' } };
      const partial = classify({
        status: 409,
        body: { code: -2021, msg: 'Order cancel-replace partially failed.', data },
      });
      expect(partial.category).toBe('partial');
      expect(partial.executed).toBe('partial');
      expect(partial.data).toEqual(data);
      const failed = classify({ status: 400, body: { code: -2022, msg: 'Order cancel-replace failed.', data } });
      expect(failed.executed).toBe('no');
      // A code-less 409 (a proxy's "Conflict" page) is a half-done cancel-replace only on the cancel-replace endpoint.
      const page = '<html><title>409 Conflict</title></html>';
      const url = 'https://api.binance.com/api/v3/order';
      expect(classify({ status: 409, body: page, request: { method: 'POST', url } }).category).toBe('request');
      const replace = { method: 'POST', url: `${url}/cancelReplace?symbol=BTCUSDT` };
      expect(classify({ status: 409, body: page, request: replace })).toMatchObject({
        category: 'partial',
        executed: 'partial',
      });
    });

    it('classifies -1008 on a 5xx as server busy with an unknown outcome, retryable only for reads', () => {
      const busy = (method: string) =>
        classify({
          status: 503,
          body: {
            code: -1008,
            msg: 'Server is currently overloaded with other requests. Please try again in a few minutes.',
          },
          request: { method, url: 'https://api.binance.com/api/v3/order' },
        });
      expect(busy('POST').category).toBe('server-busy');
      expect(busy('POST').executed).toBe('unknown');
      expect(busy('POST').retryable).toBe(false);
      expect(busy('GET').retryable).toBe(true);
      expect(classify({ status: 400, body: { code: -1008 } }).executed).toBe('no');
    });

    it('classifies HTTP 451 and a CDN country block as restricted-location', () => {
      const geo = classify({
        status: 451,
        body: {
          code: 0,
          msg: "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms.",
        },
      });
      expect(geo.category).toBe('restricted-location');
      expect(geo.name).toBe('BinanceRestrictedLocationError');
      expect(geo.executed).toBe('no');
      expect(geo.retryable).toBe(false);
      const cdn = classify({
        status: 403,
        body: '<HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY>The Amazon CloudFront distribution is configured to block access from your country.</BODY></HTML>',
      });
      expect(cdn.category).toBe('restricted-location');
      expect(cdn.hint).not.toMatch(/SQL/);
      const waf = classify({ status: 403, body: '<HTML><TITLE>ERROR: The request could not be satisfied</TITLE>' });
      expect(waf.category).toBe('waf');
    });
  });

  describe('WebSocket API frames', () => {
    it('reads status, error and rateLimits, with retryAfter as epoch ms', () => {
      const frame = {
        id: 'a',
        status: 418,
        error: {
          code: -1003,
          msg: 'Way too much request weight used; IP banned until 1659146400000. Please use WebSocket Streams for live updates to avoid bans.',
          data: { serverTime: 1659142907531, retryAfter: 1659146400000 },
        },
        rateLimits: [
          { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000, count: 12000 },
        ],
      };
      const err = classify({ body: frame });
      expect(err.category).toBe('ip-ban');
      expect(err.status).toBe(418);
      expect(err.retryAfterMs).toBe(1659146400000 - 1659142907531);
      expect(err.rateLimits).toEqual([
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000, count: 12000 },
      ]);
    });
  });

  describe('bodies from a proxy, WAF or CDN', () => {
    it('names a 403 HTML page a WAF block', () => {
      const err = classify({
        status: 403,
        body: '<HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD></HTML>',
      });
      expect(err.category).toBe('waf');
      expect(err.message).toContain('The request could not be satisfied');
      expect(err.retryable).toBe(false);
    });

    it('names an empty 502 an unknown outcome', () => {
      expect(classify({ status: 502, body: '' }).category).toBe('unknown-outcome');
      expect(classify({ status: 502 }).message).toContain('empty body');
    });

    it('reports a status past 599 from a real server as received, and reads nothing into it', async () => {
      const server = createServer((_req, res) => {
        res.writeHead(600, { 'content-type': 'text/html' }).end('<html><title>Gateway says no</title></html>');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fapi/v1/order`;
      try {
        const res = await fetch(url, { method: 'POST' });
        const err = classify({
          status: res.status,
          headers: res.headers,
          body: await res.text(),
          request: { method: 'POST', url },
        });
        expect([err.status, err.response?.status]).toEqual([600, 600]);
        expect(err.message).toContain('HTTP 600');
        // No HTTP class has it: neither a 5xx's unknown outcome nor a success, so the outcome is unknown.
        expect([err.category, err.executed, err.retryable]).toEqual(['unknown', 'unknown', false]);
      } finally {
        server.close();
      }
      // A status line carries three digits: a number it cannot carry is no status.
      expect(classify({ status: 1000 }).status).toBeUndefined();
      expect(classify({ status: 99 }).status).toBeUndefined();
    });

    it('recovers code and msg from a truncated body', () => {
      const err = classify({ status: 400, body: '{"code":-1013,"msg":"Filter failure: NOTIONAL","da' });
      expect(err.category).toBe('filter');
      expect(err.filter).toBe('NOTIONAL');
    });

    it('reads Retry-After as seconds or as an HTTP-date', () => {
      expect(classify({ status: 429, headers: { 'Retry-After': '3' }, now: NOW }).retryAfterMs).toBe(3000);
      const date = new Date(NOW + 7000).toUTCString();
      expect(classify({ status: 429, headers: new Headers({ 'retry-after': date }), now: NOW }).retryAfterMs).toBe(
        7000,
      );
      expect(classify({ status: 429, headers: { 'retry-after': 'soon' }, now: NOW }).retryAfterMs).toBeUndefined();
    });
  });

  describe('transport errors', () => {
    it('reads a real fetch ECONNREFUSED as a network error that never reached the exchange', async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      await new Promise((resolve) => server.close(resolve));
      const error = await fetch(`http://127.0.0.1:${port}/api/v3/order`, { method: 'POST' }).catch((e: unknown) => e);
      const request = { method: 'POST', url: `http://127.0.0.1:${port}/api/v3/order` };
      // Handed to the client (`sent: true`) or not, a connection that never opened sent nothing.
      for (const sent of [undefined, true]) {
        const err = classify({ error, request, sent });
        expect(err.category).toBe('network');
        expect(err.executed).toBe('no');
        expect(err.retryable).toBe(true);
        expect(err.message).toContain('ECONNREFUSED');
      }
      // An unreachable host can also end an open connection whose packets stopped: for a request handed over, the
      // outcome stays unknown.
      const unreachable = Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' });
      expect(classify({ error: unreachable, request }).executed).toBe('no');
      expect(classify({ error: unreachable, request, sent: true }).executed).toBe('unknown');
    });

    it('reads a request Node or the client refused to build as refused: unsent even when handed over, not retryable', () => {
      const url = 'https://api.binance.com/api/v3/order';
      let nodeError: unknown;
      try {
        request(url, { method: 'POST', headers: { 'X Bad': '1' } });
      } catch (error) {
        nodeError = error;
      }
      const marked = refusedByClient(new TypeError("Option 'searchParams': Expected value which is `plain object`"));
      for (const error of [nodeError, marked]) {
        const err = classify({ error, request: { method: 'POST', url }, sent: true });
        expect(err.category).toBe('request');
        expect(err.executed).toBe('no');
        expect(err.retryable).toBe(false);
        expect(err.message).toContain('was refused before it was sent');
      }
      // Unmarked and without such a code, the same kind of error is read as before.
      expect(classify({ error: Object.assign(new Error('x'), { code: 'ECONNRESET' }), sent: true }).executed).toBe(
        'unknown',
      );
    });

    it("reads a client's timeout while a success's body was still coming as a timeout, not as the success", () => {
      // got rejects so when `timeout.request` ends during the body: a TimeoutError holding the 200 it had begun.
      const error = Object.assign(new Error("Timeout awaiting 'request' for 300ms"), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
        response: { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '' },
        cause: Object.assign(new Error("Timeout awaiting 'request' for 300ms"), { code: 'ETIMEDOUT' }),
      });
      const err = classify({ error, request: { method: 'POST', url: 'https://api.binance.com/api/v3/order' } });
      expect(err.category).toBe('timeout');
      expect(err.executed).toBe('unknown');
      expect(err.message).toContain('timed out (ETIMEDOUT)');
      // Said once, though the error and its cause both say it.
      expect(err.message.split("Timeout awaiting 'request'")).toHaveLength(2);
    });

    it('reads a real connection reset as a network error with an unknown outcome', async () => {
      const server = createServer((req) => req.socket.destroy());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}/api/v3/order`;
      const error = await fetch(url, { method: 'POST', body: 'a=1' }).catch((e: unknown) => e);
      server.close();
      const err = classify({ error, request: { method: 'POST', url } });
      expect(err.category).toBe('network');
      expect(err.executed).toBe('unknown');
      expect(err.retryable).toBe(false);
      expect(classify({ error, request: { method: 'GET', url } }).retryable).toBe(true);
    });

    it("says what an error it does not recognise said, secrets scrubbed, and 'no' when told it was not sent", () => {
      const secret = 'classify-secret-0123456789abcdef';
      const error = new Error(`READONLY You can't write against a read only replica (key ${secret}).`);
      const err = classify({
        error,
        request: { method: 'POST', url: 'https://api.binance.com/api/v3/order' },
        secrets: [secret],
        sent: false,
      });
      expect(err.category).toBe('unknown');
      expect(err.message).toContain("failed with an unrecognised error: READONLY You can't write");
      expect(err.message).not.toContain(secret);
      expect(err.executed).toBe('no');
    });

    it('reads a real AbortSignal.timeout and a real abort', async () => {
      const server = createServer(() => {});
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}/`;
      const timeout = await fetch(url, { signal: AbortSignal.timeout(30) }).catch((e: unknown) => e);
      const controller = new AbortController();
      const pending = fetch(url, { signal: controller.signal }).catch((e: unknown) => e);
      controller.abort();
      const aborted = await pending;
      server.closeAllConnections();
      server.close();
      expect(classify({ error: timeout }).category).toBe('timeout');
      expect(classify({ error: aborted }).category).toBe('aborted');
    });

    it.each([
      ['axios timeout', { isAxiosError: true, code: 'ECONNABORTED', message: 'timeout of 100ms exceeded' }, 'timeout'],
      ['axios ETIMEDOUT', { isAxiosError: true, code: 'ETIMEDOUT', message: 'timeout exceeded' }, 'timeout'],
      ['axios cancel', { name: 'CanceledError', code: 'ERR_CANCELED', message: 'canceled' }, 'aborted'],
      ['axios reset', { isAxiosError: true, code: 'ECONNRESET', message: 'socket hang up' }, 'network'],
      ['axios network', { isAxiosError: true, code: 'ERR_NETWORK', message: 'Network Error' }, 'network'],
      ['ky timeout', { name: 'TimeoutError', message: 'Request timed out: GET http://x/' }, 'timeout'],
      [
        'ky network',
        { name: 'NetworkError', message: 'Network error', cause: new TypeError('fetch failed') },
        'network',
      ],
      [
        'got timeout',
        { name: 'TimeoutError', code: 'ETIMEDOUT', message: "Timeout awaiting 'request' for 50ms" },
        'timeout',
      ],
      ['got cancel', { name: 'CancelError', code: 'ERR_CANCELED', message: 'Promise was canceled' }, 'aborted'],
      [
        'got DNS',
        { name: 'RequestError', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND api.binance.com' },
        'network',
      ],
      [
        'undici headers timeout',
        new TypeError('fetch failed', { cause: { code: 'UND_ERR_HEADERS_TIMEOUT' } }),
        'timeout',
      ],
    ] as const)('reads %s', (_label, error, category) => {
      expect(classify({ error }).category).toBe(category);
    });

    it('reads status and body from a client error that carries a response', () => {
      const axiosLike = {
        isAxiosError: true,
        message: 'Request failed with status code 400',
        config: { method: 'post', url: '/api/v3/order', baseURL: 'http://127.0.0.1:1' },
        response: {
          status: 400,
          headers: {},
          data: { code: -2010, msg: 'Account has insufficient balance for requested action.' },
        },
      };
      const err = classify({ error: axiosLike });
      expect(err.reason).toBe('INSUFFICIENT_BALANCE');
      expect(err.request).toEqual({ method: 'POST', url: 'http://127.0.0.1:1/api/v3/order' });
      const gotLike = {
        name: 'HTTPError',
        response: {
          statusCode: 429,
          headers: { 'retry-after': '2' },
          body: '{"code":-1003,"msg":"Too many requests queued."}',
        },
      };
      expect(classify({ error: gotLike }).retryAfterMs).toBe(2000);
    });

    it('returns a BinanceError it is given unchanged', () => {
      const err = classify({ status: 400, body: { code: -1121, msg: 'Invalid symbol.' } });
      expect(classify({ error: err })).toBe(err);
    });

    it('says executed "no" when the caller knows nothing was sent', () => {
      expect(classify({ status: 503, sent: false }).executed).toBe('no');
    });
  });

  it('never throws on hostile input', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    for (const input of [
      hostile,
      { body: hostile },
      { headers: hostile, status: 429 },
      { error: hostile },
      null,
      undefined,
    ]) {
      expect(classify(input as never)).toBeInstanceOf(BinanceError);
    }
  });
});
