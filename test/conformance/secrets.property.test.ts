import { generateKeyPairSync } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { BinanceGuard } from '@binance-errors/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from './drivers.ts';
import { type RecordedRequest, type Recorder, startRecorder } from './support/recorder.ts';

// A server (or a proxy in front of it) that echoes the request back in its error: the URL with the signature (also
// under a percent-encoded name, and on its own as the URL carried it), the key header, the body, and whatever secret
// it was told. Whatever the key and secret, and whichever shape the answer takes, no view of the error may hold them
// or the signature.

/** What the echo server leaks, as the test tells it. */
let leak = { secret: '', shape: 0 };

function echo(req: RecordedRequest, res: ServerResponse): void {
  const key = String(req.headers['x-mbx-apikey'] ?? '');
  const encoded = req.url.replace('signature=', '%73ignature=');
  const signature = new URLSearchParams(req.url.split('?')[1]).get('signature');
  // The signature as the URL carried it (percent-encoded, for base64), quoted on its own.
  const sent = /[?&]signature=([^&]+)/.exec(req.url)?.[1];
  const text = `echo ${req.method} ${req.url} key=${key} secret=${leak.secret} body=${req.body} again ${encoded}; we computed ${signature} instead of the one you sent (${sent})`;
  const headers = {
    'x-echo-key': key,
    'x-echo-url': encoded,
    'x-echo-secret': leak.secret,
    'x-echo-sig': String(signature),
  };
  switch (leak.shape) {
    case 0:
      res.writeHead(400, { ...headers, 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: -1022, msg: text, data: { url: req.url, headers: req.headers, body: req.body } }));
      return;
    case 1:
      res.writeHead(401, { ...headers, 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: -2015, msg: `Invalid API-key ${key}, IP, or permissions for action. ${text}` }));
      return;
    case 2:
      res.writeHead(502, { ...headers, 'content-type': 'text/html' });
      res.end(`<html><head><title>502 ${key}</title></head><body>${text}</body></html>`);
      return;
    default:
      res.writeHead(500, { ...headers, 'content-type': 'text/plain' });
      res.end(text);
  }
}

let server: Recorder;
beforeAll(async () => {
  server = await startRecorder(echo);
});
afterAll(() => server.close());

const token = fc.stringMatching(/^[A-Za-z0-9]{16,64}$/);

/** Every way a user (or a logger) can look at an error. */
function views(err: unknown): string[] {
  const e = err as Error & {
    msg?: unknown;
    data?: unknown;
    response?: unknown;
    cause?: unknown;
    toJSON?: () => unknown;
  };
  return [
    String(e),
    e.message,
    String(e.stack),
    String(e.msg),
    JSON.stringify(e),
    JSON.stringify(e.toJSON?.()),
    JSON.stringify(e.response),
    inspect(e.data, { depth: Infinity }),
    inspect(e.cause, { depth: Infinity, showHidden: true }),
    inspect(e, { depth: Infinity, showHidden: true }),
  ];
}

describe.each(drivers)('secrets property: $name', (driver) => {
  it('no random key, secret or computed signature echoed by the server survives in any view of the error', async () => {
    await fc.assert(
      fc.asyncProperty(token, token, fc.integer({ min: 0, max: 3 }), async (apiKey, apiSecret, shape) => {
        leak = { secret: apiSecret, shape };
        const guard = new BinanceGuard(server.url, { throttle: false, breaker: false, clock: false });
        try {
          const call = driver.create(server.url, { apiKey, apiSecret, guard });
          const before = server.requests.length;
          const err = await call({
            method: 'POST',
            path: '/api/v3/order',
            form: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '1' },
          }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(Error);
          const sent = server.requests.slice(before);
          expect(sent.length).toBe(1);
          const signature = new URLSearchParams(sent[0]!.url.split('?')[1]).get('signature');
          expect(signature).toMatch(/^[0-9a-f]{64}$/);
          for (const text of views(err)) {
            expect(text).not.toContain(apiKey);
            expect(text).not.toContain(apiSecret);
            expect(text).not.toContain(signature);
          }
        } finally {
          guard.close();
        }
      }),
      { numRuns: 30 },
    );
  });

  it('scrubs an Ed25519 signature echoed back raw and as the URL carries it (percent-encoded base64)', async () => {
    const privateKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const guard = new BinanceGuard(server.url, { throttle: false, breaker: false, clock: false });
    try {
      // A different quantity each time: the ledger answers a repeat of an order whose outcome is unknown unsent.
      for (const shape of [0, 1, 2, 3]) {
        leak = { secret: '', shape };
        const call = driver.create(server.url, { apiKey: 'ed25519-key-0123456789', privateKey, guard });
        const before = server.requests.length;
        const err = await call({
          method: 'POST',
          path: '/api/v3/order',
          form: { symbol: 'BTCUSDT', side: 'BUY', quantity: String(shape + 1) },
        }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(Error);
        const query = server.requests.slice(before)[0]!.url.split('?')[1]!;
        const encoded = /(?:^|&)signature=([^&]+)/.exec(query)![1]!;
        const signature = decodeURIComponent(encoded);
        // Base64 of 64 bytes ends in '==', so the URL's form differs from the raw one.
        expect(encoded).not.toBe(signature);
        for (const text of views(err)) {
          expect(text).not.toContain(signature);
          expect(text).not.toContain(encoded);
        }
      }
    } finally {
      guard.close();
    }
  });
});
