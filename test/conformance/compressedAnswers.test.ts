// Binance gzips its answers when a request accepts gzip, and axios asks for it even with `decompress: false`. A
// client that does not decompress (axios or got with `decompress: false`, a fetch that does not) hands the plugin
// the compressed bytes: the guard decodes them by their Content-Encoding to read an error's code and the clock's
// time, and axios, which would read them into text past repair, asks for an uncompressed answer instead.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import { binanceErrors as gotPlugin } from '@binance-errors/got';
import { binanceErrors as kyPlugin } from '@binance-errors/ky';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import got from 'got';
import ky from 'ky';
import { afterEach, describe, expect, it } from 'vitest';

const KEY = 'gzip-finding-api-key-0123456789abcdef';
const SECRET = 'gzip-finding-secret-0123456789abcdef';

interface Proxy {
  url: string;
  close(): Promise<void>;
}

/** A proxy on 127.0.0.1 that gzips the answers `gz` selects when the request accepts gzip, as Binance does. */
async function gzipProxy(target: string, gz: (path: string, status: number) => boolean): Promise<Proxy> {
  const t = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = { ...req.headers, host: t.host, 'accept-encoding': 'identity' };
      const up = httpRequest({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers }, (ur) => {
        const body: Buffer[] = [];
        ur.on('data', (c: Buffer) => body.push(c));
        ur.on('end', () => {
          const status = ur.statusCode ?? 0;
          const path = (req.url ?? '').split('?')[0] ?? '';
          const out = { ...ur.headers };
          delete out['content-length'];
          delete out['transfer-encoding'];
          let bytes = Buffer.concat(body);
          if (/gzip/.test(String(req.headers['accept-encoding'] ?? '')) && gz(path, status)) {
            bytes = gzipSync(bytes);
            out['content-encoding'] = 'gzip';
          }
          out['content-length'] = String(bytes.length);
          res.writeHead(status, out);
          res.end(bytes);
        });
      });
      up.on('error', () => res.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fetch that does not decompress (as node-fetch with `compress: false`, or one built on node:http). */
const rawFetch = (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
  const req = input instanceof Request ? input : new Request(input, init);
  return new Promise((resolve, reject) => {
    const u = new URL(req.url);
    const headers: Record<string, string> = { 'accept-encoding': 'gzip' };
    req.headers.forEach((v, k) => {
      headers[k] = v;
    });
    const r = httpRequest(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: req.method, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, String(v));
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: h }));
        });
      },
    );
    r.on('error', reject);
    req.arrayBuffer().then((b) => r.end(Buffer.from(b)), reject);
  });
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(gz: (path: string, status: number) => boolean): Promise<{ ex: FakeExchange; url: string }> {
  const ex = await createFakeExchange({ accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '100000' } }] });
  cleanups.push(() => ex.close());
  const px = await gzipProxy(ex.url, gz);
  cleanups.push(() => px.close());
  return { ex, url: px.url };
}

type Call = (path: string, params: Record<string, string>, method?: 'GET' | 'POST') => Promise<unknown>;

function clients(url: string): Record<string, Call> {
  const opts = { apiKey: KEY, apiSecret: SECRET, origins: [url], throttle: { maxWaitMs: 500 } };
  const ax = axios.create({ baseURL: url, decompress: false });
  axiosPlugin(opts).install(ax);
  const g = got.extend({ prefixUrl: url, decompress: false, headers: { 'accept-encoding': 'gzip' } }, gotPlugin(opts));
  const k = ky.create({ prefix: url, fetch: rawFetch } as never).extend(kyPlugin(opts));
  return {
    'axios decompress:false': (path, params, method = 'GET') =>
      method === 'GET' ? ax.get(path, { params }) : ax.post(path, null, { params }),
    'got decompress:false': (path, params, method = 'GET') => g(path.slice(1), { method, searchParams: params }),
    'ky custom fetch': (path, params, method = 'GET') => k(path.slice(1), { method, searchParams: params }),
  };
}

async function caught(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('the call succeeded');
}

describe('compressed answers a client does not decompress', () => {
  for (const name of ['axios decompress:false', 'got decompress:false', 'ky custom fetch']) {
    it(`${name}: a gzip -1121 is typed with its code`, async () => {
      const { url } = await setup((_p, status) => status >= 400);
      const err = await caught(clients(url)[name]!('/api/v3/depth', { symbol: 'NOPE' }));
      expect(err).toMatchObject({ name: 'BinanceRequestError', code: -1121, msg: 'Invalid symbol.' });
    });

    it(`${name}: a gzip /api/v3/time answer still syncs the clock, so a signed read succeeds`, async () => {
      const { url } = await setup((path) => path === '/api/v3/time');
      await expect(clients(url)[name]!('/api/v3/account', {})).resolves.toBeDefined();
    });
  }

  it('axios decompress:false: a gzip -2010 is a BinanceOrderRejectedError, and a gzip -1021 is resynced and retried once', async () => {
    const { ex, url } = await setup((_p, status) => status >= 400);
    const call = clients(url)['axios decompress:false']!;
    const rejected = await caught(
      call('/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '10' }, 'POST'),
    );
    expect(rejected).toMatchObject({ name: 'BinanceOrderRejectedError', code: -2010 });

    ex.fault({
      kind: 'server-error',
      status: 400,
      code: -1021,
      msg: "Timestamp for this request was 1000ms ahead of the server's time.",
      times: 1,
      match: { method: 'GET', path: '/api/v3/account' },
    });
    // The -1021 is read, and retried once with a fresh timestamp.
    await expect(call('/api/v3/account', {})).resolves.toBeDefined();
    expect(ex.findRequests({ path: '/api/v3/account' })).toHaveLength(2);
  });
});
