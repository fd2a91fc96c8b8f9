import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferedResponse } from './BufferedResponse.ts';

const encoder = new TextEncoder();
const bodies = [
  '{"symbol":"BTCUSDT","price":"97000.01"}',
  '',
  'not json',
  '\uFEFF{"withBom":true}',
  '[1,2,3]',
  'symbol=BTCUSDT&side=BUY',
];
const operations = [
  'text',
  'json',
  'arrayBuffer',
  'bytes',
  'blob',
  'formData',
  'body',
  'bodyUsed',
  'clone',
  'cloneText',
  'cloneHeaders',
] as const;
type Operation = (typeof operations)[number];

/** What an operation gave, in a form two responses can be compared by: a value, or the name of the error. */
async function outcome(response: Response, operation: Operation): Promise<unknown> {
  try {
    switch (operation) {
      case 'text':
        return await response.text();
      case 'json':
        return await response.json();
      case 'arrayBuffer':
        return [...new Uint8Array(await response.arrayBuffer())];
      case 'bytes':
        return [...(await response.bytes())];
      case 'blob': {
        const blob = await response.blob();
        return { type: blob.type, text: await blob.text() };
      }
      case 'formData':
        return [...(await response.formData())];
      case 'body': {
        const body = response.body;
        if (body === null) return null;
        return [...new Uint8Array(await new Response(body).arrayBuffer())];
      }
      case 'bodyUsed':
        return response.bodyUsed;
      case 'clone':
        response.clone();
        return 'cloned';
      case 'cloneText':
        return await response.clone().text();
      case 'cloneHeaders':
        return [...response.clone().headers];
    }
  } catch (error) {
    return { error: (error as Error).name };
  }
}

describe('BufferedResponse', () => {
  it('behaves as a Response over the same bytes, whatever is read and in whatever order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bodies),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain;charset=UTF-8'),
        fc.array(fc.constantFrom(...operations), { minLength: 1, maxLength: 5 }),
        async (text, contentType, steps) => {
          const init = {
            status: 200,
            statusText: 'OK',
            headers: { 'content-type': contentType, 'x-mbx-used-weight': '3' },
          };
          const reference = new Response(encoder.encode(text), init);
          const buffered = new BufferedResponse(encoder.encode(text).buffer, new Response(null, init));
          for (const step of steps) {
            expect(await outcome(buffered, step), `${step} after ${steps.join(', ')}`).toEqual(
              await outcome(reference, step),
            );
          }
          expect(buffered.status).toBe(200);
          expect(buffered.statusText).toBe('OK');
          expect([...buffered.headers]).toEqual([...reference.headers]);
          expect(buffered).toBeInstanceOf(Response);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('is the response fetch gave, with its own URL, redirect, type and headers, and so are its clones', async () => {
    // A redirect first, so that `redirected` and the final `url` are fetch's own and not a constructor's defaults.
    const server = createServer((req, res) => {
      if (req.url === '/moved') res.writeHead(302, { location: '/here' }).end();
      else res.writeHead(200, { 'content-type': 'application/json', 'x-mbx-used-weight': '7' }).end('{"ok":true}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const response = await fetch(`${base}/moved`);
      const buffered = BufferedResponse.of(await response.arrayBuffer(), response);
      expect(buffered).toBe(response);
      expect(BufferedResponse.isBuffered(response)).toBe(true);
      const clone = buffered.clone();
      for (const r of [buffered, clone]) {
        expect([r.url, r.redirected, r.type, r.status]).toEqual([`${base}/here`, true, 'basic', 200]);
        expect(r.headers.get('x-mbx-used-weight')).toBe('7');
        expect(r.bodyUsed).toBe(false);
      }
      expect(await clone.json()).toEqual({ ok: true });
      expect(await buffered.text()).toBe('{"ok":true}');
      expect(buffered.bodyUsed).toBe(true);
      expect(BufferedResponse.isBuffered(new Response('x'))).toBe(false);
      // A polyfill's (or another realm's) response: answered for by one of this realm, with its URL.
      const foreign = { status: 201, statusText: 'Created', headers: new Headers({ a: '1' }), url: `${base}/x` };
      const adopted = BufferedResponse.of(new Uint8Array([49]).buffer, foreign as unknown as Response);
      expect([adopted.status, adopted.statusText, adopted.headers.get('a'), adopted.url]).toEqual([
        201,
        'Created',
        '1',
        `${base}/x`,
      ]);
      expect(await adopted.json()).toBe(1);
    } finally {
      server.close();
    }
  });
});
