import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { classify } from '../classify/classify.ts';
import { BinanceError } from './BinanceError.ts';
import { isBinanceError } from './isBinanceError.ts';
import { redactText, redactUrl } from './redact.ts';

const API_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const API_SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const SIGNATURE = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';
const PRIVATE_KEY =
  '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----';

/** An error shaped like the AxiosError axios rejects with: key in config.headers, signature in config.url. */
function axiosLikeError() {
  const url = `/api/v3/order?symbol=BTCUSDT&side=BUY&timestamp=1499827319559&signature=${SIGNATURE}`;
  const config = {
    method: 'post',
    baseURL: 'https://api.binance.com',
    url,
    headers: { 'X-MBX-APIKEY': API_KEY, 'Content-Type': 'application/x-www-form-urlencoded' },
    data: `quantity=1&signature=${SIGNATURE}`,
    binance: { apiSecret: API_SECRET, privateKey: PRIVATE_KEY },
  };
  const error = new Error(`Request failed with status code 400 for ${url}`) as Error & Record<string, unknown>;
  Object.assign(error, {
    name: 'AxiosError',
    isAxiosError: true,
    code: 'ERR_BAD_REQUEST',
    config,
    request: { path: url, _header: `POST ${url} HTTP/1.1\r\nX-MBX-APIKEY: ${API_KEY}\r\n` },
    response: {
      status: 400,
      headers: { 'content-type': 'application/json' },
      config,
      data: { code: -1022, msg: 'Signature for this request is not valid.' },
    },
  });
  Object.defineProperty(error, 'cause', {
    value: Object.assign(new Error(`inner apiKey=${API_KEY}`), { secretKey: API_SECRET }),
    enumerable: false,
  });
  return { error, url: `https://api.binance.com${url}` };
}

function everySerialisation(err: BinanceError): string[] {
  return [
    err.message,
    err.stack ?? '',
    JSON.stringify(err),
    JSON.stringify(err.toJSON()),
    String(JSON.stringify(err.request)),
    inspect(err, { depth: Infinity, showHidden: true }),
    inspect(err.cause, { depth: Infinity, showHidden: true }),
    String(err),
  ];
}

describe('redaction', () => {
  it('keeps no key, secret, private key or signature in any serialisation of a classified AxiosError', () => {
    const { error, url } = axiosLikeError();
    const err = classify({ error, request: { method: 'POST', url } });
    expect(err.category).toBe('signature');
    for (const text of everySerialisation(err)) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(API_SECRET);
      expect(text).not.toContain(SIGNATURE);
      expect(text).not.toContain('BEGIN PRIVATE KEY');
    }
    expect(err.request?.url).toBe(
      'https://api.binance.com/api/v3/order?symbol=BTCUSDT&side=BUY&timestamp=1499827319559&signature=[REDACTED]',
    );
    expect(JSON.stringify(err.cause)).toContain('ERR_BAD_REQUEST');
  });

  it('scrubs the configured secrets even where no field name gives them away', () => {
    const error = new Error(`upstream said: ${API_SECRET} / ${API_KEY}`);
    const err = classify({ error, secrets: [API_KEY, API_SECRET] });
    for (const text of everySerialisation(err)) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(API_SECRET);
    }
  });

  it('keeps no secret in a transport error built from the same AxiosError', () => {
    const { error } = axiosLikeError();
    delete (error as Record<string, unknown>).response;
    (error as Record<string, unknown>).code = 'ECONNRESET';
    const err = classify({ error });
    expect(err.category).toBe('network');
    for (const text of everySerialisation(err)) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(SIGNATURE);
    }
  });

  it('redacts signature parameters whose name is percent-encoded, in URLs and in free text', () => {
    const url = `https://api.binance.com/api/v3/order?symbol=BTCUSDT&%73ignature=${SIGNATURE}&%53IGNATURE=${SIGNATURE}`;
    expect(redactUrl(url)).toBe(
      'https://api.binance.com/api/v3/order?symbol=BTCUSDT&%73ignature=[REDACTED]&%53IGNATURE=[REDACTED]',
    );
    expect(redactText(`proxy said: bad request ?x=1&%61piKey=${API_KEY}&%73ignature=${SIGNATURE}`)).toBe(
      'proxy said: bad request ?x=1&%61piKey=[REDACTED]&%73ignature=[REDACTED]',
    );
    // Innocent encoded parameters stay as they are.
    expect(redactUrl('https://x/api?symbols=%5B%22BTCUSDT%22%5D')).toBe('https://x/api?symbols=%5B%22BTCUSDT%22%5D');
  });

  it('removes the secrets a server echoes from msg, data and response.data', () => {
    const echo = `Bad request: X-MBX-APIKEY ${API_KEY} with ${SIGNATURE} (secret ${API_SECRET})`;
    const err = classify({
      status: 400,
      headers: { 'x-echo-key': API_KEY },
      body: JSON.stringify({ code: -1022, msg: echo, data: { request: `q=1&sig=${SIGNATURE}`, [API_KEY]: 1 } }),
      request: { method: 'POST', url: `https://api.binance.com/api/v3/order?signature=${SIGNATURE}` },
      secrets: [API_KEY, API_SECRET, SIGNATURE],
    });
    expect(err.msg).toBe('Bad request: X-MBX-APIKEY [REDACTED] with [REDACTED] (secret [REDACTED])');
    for (const text of [...everySerialisation(err), JSON.stringify(err.response), inspect(err.data)]) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(API_SECRET);
      expect(text).not.toContain(SIGNATURE);
    }
  });
});

/** No part of `secret` long enough to matter (its first 12 characters), in any case, in any of `texts`. */
function expectNoTrace(texts: readonly string[], ...secrets: string[]): void {
  for (const text of texts) {
    for (const secret of secrets) expect(text.toLowerCase()).not.toContain(secret.slice(0, 12).toLowerCase());
  }
}

describe('redaction of echoes that are cut or change case', () => {
  const secrets = [API_KEY, API_SECRET, SIGNATURE];

  it('removes a signature or key echoed in upper case', () => {
    const echo = `bad ${SIGNATURE.toUpperCase()} for ${API_KEY.toUpperCase()}`;
    const err = classify({
      status: 400,
      headers: { 'x-echo': SIGNATURE.toUpperCase() },
      body: JSON.stringify({ code: -1022, msg: echo, data: { seen: SIGNATURE.toUpperCase() } }),
      request: { method: 'GET', url: 'https://api.binance.com/api/v3/account' },
      secrets,
    });
    expect(err.msg).toBe('bad [REDACTED] for [REDACTED]');
    expectNoTrace([...everySerialisation(err), JSON.stringify(err.response), inspect(err.data)], API_KEY, SIGNATURE);
  });

  it('removes a secret where the message cuts a text body, a long msg or a transport error', () => {
    const textBody = classify({
      status: 502,
      body: `${'x'.repeat(100)} ${API_KEY}`,
      request: { method: 'GET', url: 'https://api.binance.com/api/v3/account' },
      secrets,
    });
    const longMsg = classify({
      status: 400,
      body: JSON.stringify({ code: -1100, msg: `${'x'.repeat(2020)} computed ${SIGNATURE}` }),
      secrets,
    });
    const transport = classify({
      error: Object.assign(new Error(`${'y'.repeat(190)} ${API_KEY}`), { code: 'ECONNRESET' }),
      secrets,
    });
    const cause = classify({ error: new Error(`${'z'.repeat(2040)} ${API_SECRET}`), secrets });
    expect(textBody.message).toContain('[REDACTED]');
    expect(longMsg.msg).toContain('[REDACTED]');
    for (const err of [textBody, longMsg, transport, cause]) {
      expectNoTrace([...everySerialisation(err), String(JSON.stringify(err.response))], ...secrets);
    }
  });
});

describe('isBinanceError', () => {
  it('recognises an error from another copy of the package by its marker', () => {
    const foreign = Object.create(
      Object.defineProperty({}, Symbol.for('@binance-errors/core:BinanceError'), { value: true }),
    ) as Record<string, unknown>;
    foreign.category = 'filter';
    expect(isBinanceError(foreign)).toBe(true);
    expect(isBinanceError(foreign, 'filter')).toBe(true);
    expect(isBinanceError(foreign, 'auth')).toBe(false);
    expect(foreign instanceof BinanceError).toBe(true);
    expect(isBinanceError(new Error('x'))).toBe(false);
    expect(isBinanceError(null)).toBe(false);
  });
});
