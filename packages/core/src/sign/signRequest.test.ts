import { createHmac, generateKeyPairSync, verify } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSigner } from './createSigner.ts';
import { encodeParams } from './encodeParams.ts';
import { signRequest } from './signRequest.ts';

// The official test vector (Binance rest-api.md, "SIGNED Endpoint Examples").
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const PAYLOAD =
  'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';

describe('createSigner', () => {
  it('reproduces the official HMAC-SHA256 test vector', () => {
    expect(createSigner({ apiSecret: SECRET }).sign(PAYLOAD)).toBe(
      'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71',
    );
  });

  it('signs with Ed25519 and RSA keys that verify with their public keys', () => {
    for (const type of ['ed25519', 'rsa'] as const) {
      const { privateKey, publicKey } =
        type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      for (const key of [pem, privateKey]) {
        const signer = createSigner({ privateKey: key });
        const signature = Buffer.from(signer.sign(PAYLOAD), 'base64');
        expect(verify(type === 'rsa' ? 'sha256' : null, Buffer.from(PAYLOAD), publicKey, signature)).toBe(true);
        expect(signer.algorithm).toBe(type === 'rsa' ? 'RSA' : 'ED25519');
      }
    }
  });

  it('never shows the secret through inspect or JSON', () => {
    const signer = createSigner({ apiSecret: SECRET });
    expect(inspect(signer, { showHidden: true, depth: Infinity })).not.toContain(SECRET);
    expect(JSON.stringify(signer)).not.toContain(SECRET);
    expect(() =>
      createSigner({ privateKey: `-----BEGIN PRIVATE KEY-----\n${SECRET}\n-----END PRIVATE KEY-----` }),
    ).toThrow(/privateKey could not be read/);
    try {
      createSigner({ privateKey: `bad ${SECRET}` });
    } catch (e) {
      expect(String(e)).not.toContain(SECRET);
    }
  });
});

describe('encodeParams', () => {
  it('percent-encodes everything but unreserved characters, in order', () => {
    expect(encodeParams({ symbols: '["BTCUSDT","ETHUSDT"]', note: "a b:c,d!'()*", sym: '１２３' })).toBe(
      'symbols=%5B%22BTCUSDT%22%2C%22ETHUSDT%22%5D&note=a%20b%3Ac%2Cd%21%27%28%29%2A&sym=%EF%BC%91%EF%BC%92%EF%BC%93',
    );
  });
});

describe('signRequest', () => {
  const signer = createSigner({ apiSecret: SECRET });

  it('signs the query string followed directly by the body', () => {
    const signed = signRequest({ query: { symbol: 'LTCBTC' }, body: 'side=BUY&quantity=1', timestamp: 1, signer });
    expect(signed.query).toBe(`symbol=LTCBTC&timestamp=1&signature=${signed.signature}`);
    const expected = createHmac('sha256', SECRET).update('symbol=LTCBTC&timestamp=1side=BUY&quantity=1').digest('hex');
    expect(signed.signature).toBe(expected);
  });

  it('re-signs from the originals: a retry carries exactly one timestamp and one signature', () => {
    const first = signRequest({ query: { symbol: 'BTCUSDT' }, timestamp: 1000, recvWindow: 5000, signer });
    // What a naive retry would hand back: the already-signed query.
    const again = signRequest({ query: new URLSearchParams(first.query), timestamp: 2000, recvWindow: 5000, signer });
    const params = new URLSearchParams(again.query);
    expect(params.getAll('timestamp')).toEqual(['2000']);
    expect(params.getAll('signature')).toHaveLength(1);
    expect(params.getAll('recvWindow')).toEqual(['5000']);
    expect(again.query).toBe(`symbol=BTCUSDT&timestamp=2000&recvWindow=5000&signature=${again.signature}`);
  });

  it('percent-encodes a base64 signature in the query string', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const signed = signRequest({ query: { symbol: 'BTCUSDT' }, timestamp: 1, signer: createSigner({ privateKey }) });
    expect(signed.query).not.toMatch(/signature=.*[+/=]/);
    expect(new URLSearchParams(signed.query).get('signature')).toBe(signed.signature);
    expect(signed.query.endsWith(`&signature=${signed.encodedSignature}`)).toBe(true);
    expect(signed.encodedSignature).toBe(encodeURIComponent(signed.signature));
  });

  it('signs query text exactly as it signs the same text parsed, whether or not it is taken as it is', () => {
    // Text of unreserved `name=value` pairs is signed without parsing; anything else (encoded or reserved
    // characters, empty pairs, a signing parameter of its own) is parsed first. Both must give the same request.
    const mostly = (plain: string[], odd: string[]) =>
      fc.oneof({ arbitrary: fc.constantFrom(...plain), weight: 3 }, { arbitrary: fc.constantFrom(...odd), weight: 1 });
    const name = mostly(['symbol', 'side', 'a.b', 'x_y~'], ['timestamp', 'recvWindow', 'signature', '', 'a b', '%41']);
    const value = mostly(['', 'BTCUSDT', '1.5', '-_.~'], ['=', 'a+b', '%20', '[1]', 'é', '?']);
    const pairs = fc
      .array(fc.tuple(name, value), { maxLength: 5 })
      .map((list) => list.map((p) => p.join('=')).join('&'));
    const piece = fc.constantFrom('symbol', '=', '&', '&&', '+', '%2', ' ', '?', '#', 'timestamp=1', 'xsignature=2');
    const text = fc.oneof(
      pairs,
      fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join('')),
    );
    let plain = 0;
    fc.assert(
      fc.property(text, (text) => {
        const asText = signRequest({ query: text, timestamp: 5, recvWindow: 5000, signer });
        const parsed = signRequest({ query: new URLSearchParams(`?${text}`), timestamp: 5, recvWindow: 5000, signer });
        expect(asText).toEqual(parsed);
        if (/^[\w.~-]+=[\w.~-]*(&[\w.~-]+=[\w.~-]*)*$/.test(text) && !text.includes('recvWindow=')) plain++;
      }),
      { numRuns: 2000 },
    );
    // The text path was taken, and not only for the empty query.
    expect(plain).toBeGreaterThan(100);
  });
});
