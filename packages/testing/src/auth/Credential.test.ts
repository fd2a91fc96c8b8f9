import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeExchange } from '../createFakeExchange.ts';
import type { FakeExchange } from '../FakeExchange.ts';
import { signPayload, TestClient } from '../testClient.ts';

// rest-api.md "SIGNED Endpoint Examples": key, secret, payload and signatures are the docs' own.
const DOC_API_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const DOC_SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const DOC_TIME = 1499827319559;
const DOC_QUERY =
  'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
const DOC_SIGNATURE = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';
const DOC_MIXED_SIGNATURE = '0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77';
const DOC_UNICODE_QUERY =
  'symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
const DOC_UNICODE_SIGNATURE = 'e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3';

const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherEd = generateKeyPairSync('ed25519');
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();

describe('verifySignature (through POST /api/v3/order/test)', () => {
  let ex: FakeExchange;
  let client: TestClient;
  const headers = { 'X-MBX-APIKEY': DOC_API_KEY };

  beforeAll(async () => {
    ex = await createFakeExchange({
      now: () => DOC_TIME,
      accounts: [
        { apiKey: DOC_API_KEY, secret: DOC_SECRET },
        { apiKey: 'ed-key', publicKey: pem(ed.publicKey) },
        { apiKey: 'rsa-key', publicKey: rsa.publicKey },
      ],
    });
    client = new TestClient(ex);
  });
  afterAll(() => ex.close());

  it('accepts the docs HMAC test vector in the query string', async () => {
    const r = await client.raw(
      'POST',
      '/api/v3/order/test',
      `${DOC_QUERY}&signature=${DOC_SIGNATURE}`,
      undefined,
      headers,
    );
    expect(r.status).toBe(200);
    expect(r.data).toEqual({});
    expect(ex.requests.at(-1)).toMatchObject({ signatureValid: true, apiKey: DOC_API_KEY, status: 200 });
  });

  it('accepts the docs HMAC test vector in the body', async () => {
    const r = await client.raw('POST', '/api/v3/order/test', '', `${DOC_QUERY}&signature=${DOC_SIGNATURE}`, headers);
    expect(r.status).toBe(200);
  });

  it('reads body parameters only from a form body, as the real API does', async () => {
    const body = `${DOC_QUERY}&signature=${DOC_SIGNATURE}`;
    const r = await client.raw('POST', '/api/v3/order/test', '', body, { ...headers, 'content-type': 'text/plain' });
    expect(r.status).toBe(400);
    expect(r.code).toBe(-1102);
    expect(ex.requests.at(-1)?.params).toEqual({});
    const typed = { ...headers, 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' };
    expect((await client.raw('POST', '/api/v3/order/test', '', body, typed)).status).toBe(200);
  });

  it('signs the query string followed directly by the body (docs example 3)', async () => {
    const r = await client.raw(
      'POST',
      '/api/v3/order/test',
      'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC',
      `quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=${DOC_MIXED_SIGNATURE}`,
      headers,
    );
    expect(r.status).toBe(200);
  });

  it('compares HMAC signatures case-insensitively', async () => {
    const r = await client.raw(
      'POST',
      '/api/v3/order/test',
      `${DOC_QUERY}&signature=${DOC_SIGNATURE.toUpperCase()}`,
      undefined,
      headers,
    );
    expect(r.status).toBe(200);
  });

  it('answers -1022 when one byte of the signed payload changes', async () => {
    const tampered = DOC_QUERY.replace('quantity=1', 'quantity=2');
    const r = await client.raw(
      'POST',
      '/api/v3/order/test',
      `${tampered}&signature=${DOC_SIGNATURE}`,
      undefined,
      headers,
    );
    expect(r.status).toBe(400);
    expect(r.data).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(ex.requests.at(-1)).toMatchObject({ signatureValid: false, code: -1022 });
  });

  it('answers -1022 when one character of the signature changes', async () => {
    const bad = `${DOC_SIGNATURE.slice(0, -1)}0`;
    const r = await client.raw('POST', '/api/v3/order/test', `${DOC_QUERY}&signature=${bad}`, undefined, headers);
    expect(r.code).toBe(-1022);
  });

  it('verifies the percent-encoded payload and rejects a signature over the decoded text', async () => {
    const ok = await client.raw(
      'POST',
      '/api/v3/order/test',
      `${DOC_UNICODE_QUERY}&signature=${DOC_UNICODE_SIGNATURE}`,
      undefined,
      headers,
    );
    // The signature is right; the symbol does not exist on the fake.
    expect(ok.code).toBe(-1121);
    expect(ex.requests.at(-1)?.signatureValid).toBe(true);
    const decodedSigner = new TestClient(ex, { apiKey: DOC_API_KEY, secret: DOC_SECRET });
    const sigOverDecoded = signPayload(decodedSigner.key!, decodeURIComponent(DOC_UNICODE_QUERY));
    const bad = await client.raw(
      'POST',
      '/api/v3/order/test',
      `${DOC_UNICODE_QUERY}&signature=${sigOverDecoded}`,
      undefined,
      headers,
    );
    expect(bad.code).toBe(-1022);
  });

  it('verifies Ed25519 signatures and rejects one from another key', async () => {
    const good = new TestClient(ex, { apiKey: 'ed-key', privateKey: ed.privateKey });
    const params = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001' };
    expect((await good.signed('POST', '/api/v3/order/test', params)).status).toBe(200);
    expect((await good.signed('GET', '/api/v3/account', {})).status).toBe(200);
    const wrong = new TestClient(ex, { apiKey: 'ed-key', privateKey: otherEd.privateKey });
    const r = await wrong.signed('POST', '/api/v3/order/test', params);
    expect(r.data).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
  });

  it('verifies RSA PKCS#1 v1.5 SHA-256 signatures and rejects one from another key', async () => {
    const good = new TestClient(ex, { apiKey: 'rsa-key', privateKey: rsa.privateKey });
    const params = { symbol: 'ETHUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'GTC', quantity: '1', price: '3100' };
    expect((await good.signed('POST', '/api/v3/order/test', params)).status).toBe(200);
    expect((await good.signed('POST', '/api/v3/order/test', params, { placement: 'query' })).status).toBe(200);
    const wrong = new TestClient(ex, { apiKey: 'rsa-key', privateKey: otherRsa.privateKey });
    expect((await wrong.signed('POST', '/api/v3/order/test', params)).code).toBe(-1022);
  });

  it('percent-decodes base64 signatures and rejects a base64 signature that is case-changed', async () => {
    const client2 = new TestClient(ex, { apiKey: 'ed-key', privateKey: ed.privateKey });
    const payload = `timestamp=${DOC_TIME}`;
    const encoded = signPayload(client2.key!, payload);
    const ok = await client2.raw('GET', '/api/v3/account', `${payload}&signature=${encoded}`, undefined, {
      'X-MBX-APIKEY': 'ed-key',
    });
    expect(ok.status).toBe(200);
    const swapped = decodeURIComponent(encoded).replace(/[a-z]/, (c) => c.toUpperCase());
    const bad = await client2.raw(
      'GET',
      '/api/v3/account',
      `${payload}&signature=${encodeURIComponent(swapped)}`,
      undefined,
      {
        'X-MBX-APIKEY': 'ed-key',
      },
    );
    expect(bad.code).toBe(-1022);
  });
});

describe('API key and signature presence', () => {
  let ex: FakeExchange;
  let client: TestClient;

  beforeAll(async () => {
    ex = await createFakeExchange({ accounts: [{ apiKey: 'k', secret: 's' }] });
    client = new TestClient(ex, { apiKey: 'k', secret: 's' });
  });
  afterAll(() => ex.close());

  it('answers 401 -2014 when a SIGNED endpoint gets no X-MBX-APIKEY', async () => {
    const r = await client.raw('GET', '/api/v3/account', `timestamp=${ex.now()}&signature=00`);
    expect(r.status).toBe(401);
    expect(r.data).toEqual({ code: -2014, msg: 'API-key format invalid.' });
  });

  it('answers 401 -2015 for an API key the exchange does not know', async () => {
    const r = await client.signed('GET', '/api/v3/account', {}, { headers: { 'X-MBX-APIKEY': 'nobody' } });
    expect(r.status).toBe(401);
    expect(r.data).toEqual({ code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' });
  });

  it('answers -1102 naming timestamp when a SIGNED request has none', async () => {
    const r = await client.signed('GET', '/api/v3/account', {}, { timestamp: null });
    expect(r.status).toBe(400);
    expect(r.data).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
    });
  });

  it('answers -1102 naming signature when a SIGNED request has none', async () => {
    const r = await client.raw('GET', '/api/v3/account', `timestamp=${ex.now()}`, undefined, { 'X-MBX-APIKEY': 'k' });
    expect(r.msg).toBe("Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    expect(ex.requests.at(-1)?.signatureValid).toBeUndefined();
  });

  it('lets NONE endpoints through without a key', async () => {
    const r = await client.get('/api/v3/ping');
    expect(r.status).toBe(200);
  });

  it('rejects accounts with both or neither of secret and publicKey, naming the option', async () => {
    await expect(createFakeExchange({ accounts: [{ apiKey: 'a' }] })).rejects.toThrow(/accounts\[0\]/);
    await expect(
      createFakeExchange({ accounts: [{ apiKey: 'a', secret: 's', publicKey: pem(ed.publicKey) }] }),
    ).rejects.toThrow(TypeError);
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await expect(createFakeExchange({ accounts: [{ apiKey: 'a', publicKey: ec.publicKey }] })).rejects.toThrow(
      /Ed25519 or RSA/,
    );
  });
});
