import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeExchange } from '../createFakeExchange.ts';
import type { FakeExchange } from '../FakeExchange.ts';
import { signPayload, TestClient } from '../testClient.ts';

const T = 1_700_000_000_000;
let clock = T;

/** A GET through node:http that records every body chunk and how the response ended. */
function rawGet(
  url: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; chunks: Buffer[]; error?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const done = (error?: string) =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks, ...(error ? { error } : {}) });
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done());
      res.on('error', (e) => done(e.message));
      res.on('aborted', () => done('aborted'));
    });
    req.on('error', reject);
  });
}

describe('FaultRegistry (through ex.fault)', () => {
  let ex: FakeExchange;
  let client: TestClient;
  const order = (clientOrderId: string) => ({
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.01',
    price: '50000',
    newClientOrderId: clientOrderId,
  });
  const lookup = (clientOrderId: string) =>
    client.signed('GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: clientOrderId });
  const usedWeight = () => ex.client().usage[0]?.count;

  beforeAll(async () => {
    ex = await createFakeExchange({
      now: () => clock,
      seed: 42,
      accounts: [{ apiKey: 'k', secret: 's', balances: { USDT: '100000' } }],
    });
    client = new TestClient(ex, { apiKey: 'k', secret: 's' });
  });
  beforeEach(() => {
    clock = T;
    ex.reset();
  });
  afterAll(() => ex.close());

  it('server-busy answers 503 -1008 without processing or counting the request', async () => {
    ex.fault({ kind: 'server-busy', times: 1 });
    const r = await client.signed('POST', '/api/v3/order', order('busy-1'));
    expect(r.status).toBe(503);
    expect(r.data).toEqual({
      code: -1008,
      msg: 'Server is currently overloaded with other requests. Please try again in a few minutes.',
    });
    expect(r.headers.get('x-mbx-used-weight-1m')).toBe('0');
    expect(usedWeight()).toBe(0);
    expect((await lookup('busy-1')).code).toBe(-2013);
    expect(ex.requests[0]).toMatchObject({ status: 503, code: -1008, fault: 'server-busy', weight: 0 });
  });

  it('storm answers -1008 to matching requests for durationMs on the exchange clock', async () => {
    const storm = ex.storm({ durationMs: 10_000, match: { path: '/api/v3/ping' } });
    expect((await client.get('/api/v3/ping')).code).toBe(-1008);
    expect((await client.get('/api/v3/time')).status).toBe(200);
    clock = T + 9_999;
    expect((await client.get('/api/v3/ping')).code).toBe(-1008);
    clock = T + 10_000;
    expect((await client.get('/api/v3/ping')).status).toBe(200);
    expect(storm.active).toBe(false);
    expect(storm.hits).toBe(2);
  });

  it('timeout answers 503 -1007 and does not place the order by default', async () => {
    ex.fault({ kind: 'timeout', match: { method: 'POST', path: '/api/v3/order' }, times: 1 });
    const r = await client.signed('POST', '/api/v3/order', order('t-1'));
    expect(r.status).toBe(503);
    expect(r.data).toEqual({
      code: -1007,
      msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
    });
    expect((await lookup('t-1')).code).toBe(-2013);
  });

  it('timeout with placed: true places the order, so a later GET order finds it', async () => {
    ex.fault({ kind: 'timeout', placed: true, match: { method: 'POST', path: '/api/v3/order' }, times: 1 });
    const r = await client.signed('POST', '/api/v3/order', order('t-2'));
    expect(r.code).toBe(-1007);
    const found = await lookup('t-2');
    expect(found.status).toBe(200);
    expect(found.data).toMatchObject({ clientOrderId: 't-2', status: 'NEW' });
    expect(ex.balances('k').USDT).toEqual({ free: '99500.00000000', locked: '500.00000000' });
    expect(ex.orderUsage('k')[0]?.count).toBe(1);
  });

  it('server-error answers a 5xx with the code asked for, placed or not', async () => {
    ex.fault({ kind: 'server-error', times: 1 });
    const r1 = await client.signed('POST', '/api/v3/order', order('e-1'));
    expect(r1.status).toBe(500);
    expect(r1.data).toEqual({ code: -1000, msg: 'An unknown error occurred while processing the request.' });
    ex.fault({ kind: 'server-error', status: 502, code: -1006, placed: true, times: 1 });
    const r2 = await client.signed('POST', '/api/v3/order', order('e-2'));
    expect(r2.status).toBe(502);
    expect(r2.data).toEqual({
      code: -1006,
      msg: 'An unexpected response was received from the message bus. Execution status unknown.',
    });
    ex.fault({ kind: 'server-error', status: 504, body: 'empty', times: 1 });
    const r3 = await client.get('/api/v3/ping');
    expect([r3.status, r3.text]).toEqual([504, '']);
    expect((await lookup('e-1')).code).toBe(-2013);
    expect((await lookup('e-2')).status).toBe(200);
  });

  it('html answers a gateway HTML page without Binance headers', async () => {
    ex.fault({ kind: 'html', times: 1 });
    const r = await client.get('/api/v3/ping');
    expect(r.status).toBe(502);
    expect(r.headers.get('content-type')).toBe('text/html');
    expect(r.text).toContain('<title>502 Bad Gateway</title>');
    expect(r.headers.get('x-mbx-used-weight-1m')).toBeNull();
    ex.fault({ kind: 'html', status: 504, times: 1 });
    expect((await client.get('/api/v3/ping')).text).toContain('504 Gateway Timeout');
  });

  it('waf answers 403 with a CloudFront-style page and nothing reaches the exchange', async () => {
    ex.fault({ kind: 'waf', match: { predicate: (req) => req.params.symbol === 'ETHUSDT' } });
    const blocked = await client.get('/api/v3/depth', { symbol: 'ETHUSDT' });
    expect(blocked.status).toBe(403);
    expect(blocked.text).toContain('ERROR: The request could not be satisfied');
    expect(blocked.headers.get('server')).toBe('CloudFront');
    expect(usedWeight()).toBe(0);
    expect((await client.get('/api/v3/depth', { symbol: 'BTCUSDT' })).status).toBe(200);
  });

  it("restricted-location answers 451 with Binance's body, or 403 with CloudFront's country page", async () => {
    ex.fault({ kind: 'restricted-location', times: 1 });
    const api = await client.get('/api/v3/ping');
    expect(api.status).toBe(451);
    expect(JSON.parse(api.text)).toMatchObject({ code: 0, msg: expect.stringContaining('restricted location') });
    ex.fault({ kind: 'restricted-location', via: 'cdn', times: 1 });
    const cdn = await client.get('/api/v3/ping');
    expect(cdn.status).toBe(403);
    expect(cdn.text).toContain('configured to block access from your country');
    expect(usedWeight()).toBe(0);
  });

  it('reset destroys the socket without an answer; with placed: true the order exists', async () => {
    ex.fault({ kind: 'reset', times: 1 });
    await expect(client.signed('POST', '/api/v3/order', order('r-1'))).rejects.toThrow();
    ex.fault({ kind: 'reset', placed: true, times: 1 });
    const err = await client.signed('POST', '/api/v3/order', order('r-2')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error & { cause?: { code?: string } }).cause?.code)).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect((await lookup('r-1')).code).toBe(-2013);
    expect((await lookup('r-2')).data).toMatchObject({ status: 'NEW' });
    expect(ex.findRequests({ fault: 'reset' }).map((e) => e.status)).toEqual([0, 0]);
  });

  it('delay holds the answer back while the order is already placed', async () => {
    ex.fault({ kind: 'delay', ms: 300, times: 1 });
    const started = performance.now();
    expect((await client.signed('POST', '/api/v3/order', order('d-1'))).status).toBe(200);
    // A lower bound only: the answer cannot come before the delay, however slow the machine.
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);

    ex.fault({ kind: 'delay', ms: 5_000, times: 1 });
    const body = `symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=50000&newClientOrderId=d-2&timestamp=${clock}`;
    const timedOut = await fetch(`${ex.url}/api/v3/order`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': 'k', 'content-type': 'application/x-www-form-urlencoded' },
      body: `${body}&signature=${signPayload({ apiKey: 'k', secret: 's' }, body)}`,
      signal: AbortSignal.timeout(100),
    }).catch((e: unknown) => (e as Error).name);
    expect(timedOut).toBe('TimeoutError');
    expect((await lookup('d-2')).data).toMatchObject({ clientOrderId: 'd-2', status: 'NEW' });
  });

  it('slow-body sends headers first and the body in several chunks', async () => {
    ex.fault({ kind: 'slow-body', ms: 200, chunks: 4, times: 1 });
    const r = await rawGet(`${ex.url}/api/v3/exchangeInfo`);
    expect(r.status).toBe(200);
    expect(r.chunks.length).toBeGreaterThanOrEqual(2);
    const body = Buffer.concat(r.chunks).toString();
    expect(JSON.parse(body)).toMatchObject({ timezone: 'UTC' });
    expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(body));
  });

  it('truncated announces the whole body, sends half, then ends the socket', async () => {
    ex.fault({ kind: 'truncated', times: 1 });
    const r = await rawGet(`${ex.url}/api/v3/exchangeInfo`);
    const received = Buffer.concat(r.chunks).length;
    expect(received).toBeLessThan(Number(r.headers['content-length']));
    expect(r.error).toBeDefined();
    ex.fault({ kind: 'truncated', times: 1 });
    await expect(fetch(`${ex.url}/api/v3/exchangeInfo`).then((res) => res.text())).rejects.toThrow();
  });

  it('malformed-json cuts the real JSON answer in half', async () => {
    const whole = (await client.get('/api/v3/ticker/price')).text;
    ex.fault({ kind: 'malformed-json', times: 1 });
    const r = await client.get('/api/v3/ticker/price');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(() => JSON.parse(r.text)).toThrow();
    expect(whole.startsWith(r.text)).toBe(true);
  });

  it('hits `times` requests then removes itself; remove() stops it at once', async () => {
    const twice = ex.fault({ kind: 'server-busy', times: 2, match: { method: 'get' } });
    expect((await client.get('/api/v3/ping')).status).toBe(503);
    expect(ex.faults).toHaveLength(1);
    expect((await client.get('/api/v3/ping')).status).toBe(503);
    expect((await client.get('/api/v3/ping')).status).toBe(200);
    expect([twice.hits, twice.active, ex.faults.length]).toEqual([2, false, 0]);
    const forever = ex.fault({ kind: 'server-busy', match: { path: /^\/api\/v3\/t/ } });
    expect((await client.get('/api/v3/time')).status).toBe(503);
    forever.remove();
    expect((await client.get('/api/v3/time')).status).toBe(200);
  });

  it('applies probability from the seeded PRNG, the same way on every run', async () => {
    const pattern = async () => {
      ex.reset();
      ex.fault({ kind: 'server-busy', probability: 0.5 });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await client.get('/api/v3/ping')).status);
      return out;
    };
    const first = await pattern();
    const second = await pattern();
    expect(second).toEqual(first);
    const hits = first.filter((s) => s === 503).length;
    expect(hits).toBeGreaterThan(5);
    expect(hits).toBeLessThan(35);
  });

  it('answers 500 -1000 and warns, instead of crashing, when a predicate throws', async () => {
    // Capture the warning instead of letting Node print it (with its stack) into a passing run's output.
    const warnings: string[] = [];
    const printers = process.listeners('warning');
    process.removeAllListeners('warning');
    process.on('warning', (w: Error) => warnings.push(w.message));
    let r: Awaited<ReturnType<typeof client.get>>;
    try {
      ex.fault({
        kind: 'waf',
        match: {
          predicate: () => {
            throw new Error('predicate bug');
          },
        },
      });
      r = await client.get('/api/v3/ping');
      ex.clearFaults();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.removeAllListeners('warning');
      for (const printer of printers) process.on('warning', printer);
    }
    expect([r.status, r.code]).toEqual([500, -1000]);
    expect(warnings.join('\n')).toContain('predicate bug');
    expect((await client.get('/api/v3/ping')).status).toBe(200);
  });

  it('rejects bad fault specs naming the field', () => {
    expect(() => ex.fault({ kind: 'nope' as 'waf' })).toThrow(TypeError);
    expect(() => ex.fault({ kind: 'waf', probability: 2 })).toThrow(/probability/);
    expect(() => ex.fault({ kind: 'delay', ms: -1 })).toThrow(/ms must be >= 0/);
    expect(() => ex.fault({ kind: 'timeout', times: 0 })).toThrow(/times/);
  });
});
