import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createFakeExchange } from './createFakeExchange.ts';
import { TestClient } from './testClient.ts';

describe('createFakeExchange', () => {
  it('listens on 127.0.0.1 and a free port by default', async () => {
    const ex = await createFakeExchange();
    expect(ex.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ex.port).toBeGreaterThan(0);
    expect((await new TestClient(ex).get('/api/v3/ping')).status).toBe(200);
    await ex.close();
    await expect(fetch(`${ex.url}/api/v3/ping`)).rejects.toThrow();
  });

  it('closes at once even with an idle keep-alive socket and a held-back answer', async () => {
    const ex = await createFakeExchange();
    await fetch(`${ex.url}/api/v3/ping`).then((r) => r.text());
    ex.fault({ kind: 'delay', ms: 60_000 });
    const pending = new Promise<string>((resolve) => {
      const req = request(`${ex.url}/api/v3/ping`, (res) => resolve(String(res.statusCode)));
      req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? 'error'));
      req.end();
    });
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    await ex.close();
    expect(await pending).toBe('ECONNRESET');
    // Generous: close must not wait for the 60 s delay or the 5 s keep-alive timeout.
    expect(performance.now() - started).toBeLessThan(2000);
    await ex.close();
  });

  it('supports await using', async () => {
    let url = '';
    {
      await using ex = await createFakeExchange();
      url = ex.url;
      expect((await fetch(`${url}/api/v3/ping`)).status).toBe(200);
    }
    await expect(fetch(`${url}/api/v3/ping`)).rejects.toThrow();
  });

  it('answers unknown paths 404 with an empty body, or the HTML page when Accept asks for it', async () => {
    await using ex = await createFakeExchange();
    const client = new TestClient(ex);
    const plain = await client.get('/api/v3/nothing');
    expect([plain.status, plain.text]).toEqual([404, '']);
    const html = await client.get('/api/v3/nothing', {}, { accept: 'text/html,application/xhtml+xml' });
    expect([html.status, html.text]).toEqual([404, '<html><body><h2>404 Not found</h2></body></html>']);
    expect((await client.send('PUT', '/api/v3/ping')).status).toBe(404);
  });

  it('closes an idle keep-alive connection after keepAliveTimeoutMs', async () => {
    await using ex = await createFakeExchange({ keepAliveTimeoutMs: 100 });
    const socket = connect(Number(new URL(ex.url).port), '127.0.0.1');
    try {
      socket.write('GET /api/v3/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
      const [answer] = await once(socket, 'data');
      expect(String(answer)).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*keep-alive/i);
      // The default (5 s) would keep it open well past this.
      const closed = await Promise.race([
        once(socket, 'end').then(() => true),
        new Promise<boolean>((resolve) => setTimeout(resolve, 3000, false)),
      ]);
      expect(closed).toBe(true);
    } finally {
      socket.destroy();
    }
  });

  it('validates options, naming the option and the bad value', async () => {
    await expect(createFakeExchange({ port: 70000 })).rejects.toThrow(/port must be 0-65535, got 70000/);
    await expect(createFakeExchange({ seed: 1.5 })).rejects.toThrow(/seed/);
    await expect(createFakeExchange({ skewMs: Number.NaN })).rejects.toThrow(/skewMs/);
    await expect(createFakeExchange({ maxLogEntries: -1 })).rejects.toThrow(/maxLogEntries/);
    await expect(createFakeExchange({ keepAliveTimeoutMs: 0 })).rejects.toThrow(
      /keepAliveTimeoutMs must be a whole number of ms > 0, got 0/,
    );
    await expect(createFakeExchange({ accounts: [{ apiKey: 'a b', secret: 's' }] })).rejects.toThrow(
      /accounts\[0\]\.apiKey/,
    );
    await expect(
      createFakeExchange({ accounts: [{ apiKey: 'a', secret: 's', balances: { BTC: 'lots' } }] }),
    ).rejects.toThrow(/accounts\[0\]\.balances\.BTC/);
    await expect(
      createFakeExchange({
        accounts: [
          { apiKey: 'a', secret: 's' },
          { apiKey: 'a', secret: 't' },
        ],
      }),
    ).rejects.toThrow(/duplicate apiKey/);
  });

  it('fails to start on a port already in use', async () => {
    await using first = await createFakeExchange();
    await expect(createFakeExchange({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('FakeExchange state helpers', () => {
  it('reset() restores skew, balances, orders, counters, faults and the log; added accounts stay', async () => {
    await using ex = await createFakeExchange({
      skewMs: 100,
      accounts: [{ apiKey: 'k', secret: 's', balances: { USDT: '1000' } }],
    });
    ex.addAccount({ apiKey: 'k2', secret: 's2', balances: { BTC: '1' } });
    const client = new TestClient(ex, { apiKey: 'k', secret: 's' });
    await client.signed('POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' });
    ex.setSkew(5000);
    ex.fault({ kind: 'waf' });
    ex.reset();
    expect(ex.skewMs).toBe(100);
    expect(ex.balances('k')).toEqual({ USDT: { free: '1000.00000000', locked: '0.00000000' } });
    expect(ex.balances('k2')).toEqual({ BTC: { free: '1.00000000', locked: '0.00000000' } });
    expect(ex.orders('k')).toEqual([]);
    expect(ex.trades('k')).toEqual([]);
    expect(ex.faults).toEqual([]);
    expect(ex.requests).toEqual([]);
    expect(ex.client().usage.every((u) => u.count === 0)).toBe(true);
    expect(() => ex.balances('nobody')).toThrow(/unknown apiKey/);
  });

  it('stamps its answers with Date on its own clock, skew included, in the second it counted the request', async () => {
    for (const skewMs of [0, 7_000, -7_000]) {
      const ex = await createFakeExchange({ skewMs });
      const res = await fetch(`${ex.url}/api/v3/time`);
      const { serverTime } = (await res.json()) as { serverTime: number };
      expect(Date.parse(res.headers.get('date') ?? '')).toBe(Math.floor(serverTime / 1000) * 1000);
      const missing = await fetch(`${ex.url}/api/v3/nothing`);
      expect(Math.abs(Date.parse(missing.headers.get('date') ?? '') - ex.now())).toBeLessThan(2000);
      await ex.close();
    }
  });

  it('gives the same generated client order ids after reset (seeded)', async () => {
    await using ex = await createFakeExchange({
      seed: 7,
      accounts: [{ apiKey: 'k', secret: 's', balances: { USDT: '1000' } }],
    });
    const client = new TestClient(ex, { apiKey: 'k', secret: 's' });
    const place = () =>
      client.signed('POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001' });
    const first = ((await place()).data as { clientOrderId: string }).clientOrderId;
    ex.reset();
    const again = ((await place()).data as { clientOrderId: string }).clientOrderId;
    expect(again).toBe(first);
    expect(first).toMatch(/^[A-Za-z0-9]{22}$/);
  });
});

describe('FakeExchange latency option', () => {
  // Lower bounds only: a busy machine can add delay, never remove it.
  it('reads its clock requestMs after a request arrives and answers responseMs later', async () => {
    for (const [requestMs, responseMs] of [
      [40, 5],
      [5, 40],
    ] as const) {
      const ex = await createFakeExchange({ latency: { requestMs, responseMs } });
      const sent = Date.now();
      const res = await fetch(`${ex.url}/api/v3/time`);
      const { serverTime } = (await res.json()) as { serverTime: number };
      const received = Date.now();
      expect(serverTime - sent).toBeGreaterThanOrEqual(requestMs - 1);
      expect(received - serverTime).toBeGreaterThanOrEqual(responseMs - 1);
      await ex.close();
    }
  });

  it('keeps a request body that arrives before the delayed handling', async () => {
    const ex = await createFakeExchange({
      accounts: [{ apiKey: 'k', secret: 's', balances: { USDT: '1000' } }],
      latency: { requestMs: 20 },
    });
    const reply = await new TestClient(ex, { apiKey: 'k', secret: 's' }).signed('POST', '/api/v3/order/test', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.001',
    });
    expect(reply.status).toBe(200);
    await ex.close();
  });

  it('rejects a negative or non-finite latency, naming it', async () => {
    await expect(createFakeExchange({ latency: { requestMs: -1 } })).rejects.toThrow(/latency\.requestMs.*-1/);
    await expect(createFakeExchange({ latency: { responseMs: Number.NaN } })).rejects.toThrow(/latency\.responseMs/);
  });
});
