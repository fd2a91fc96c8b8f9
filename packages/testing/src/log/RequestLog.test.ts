import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeExchange } from '../createFakeExchange.ts';
import type { FakeExchange } from '../FakeExchange.ts';
import { TestClient } from '../testClient.ts';
import type { RequestLogEntry } from './RequestLogEntry.ts';

const T = 1_700_000_000_000;

describe('RequestLog (ex.requests)', () => {
  let ex: FakeExchange;
  let client: TestClient;
  const seen: RequestLogEntry[] = [];

  beforeAll(async () => {
    ex = await createFakeExchange({
      now: () => T,
      skewMs: 250,
      accounts: [{ apiKey: 'log-key', secret: 'very-secret', balances: { USDT: '1000' } }],
      onRequest: (e) => seen.push(e),
    });
    client = new TestClient(ex, { apiKey: 'log-key', secret: 'very-secret' });
  });
  beforeEach(() => {
    ex.reset();
    seen.length = 0;
  });
  afterAll(() => ex.close());

  it('records exactly what reached the exchange, never the secret', async () => {
    await client.get('/api/v3/ticker/price', { symbol: 'BTCUSDT' });
    await client.signed('GET', '/api/v3/account', { recvWindow: 3000 });
    await client.signed('GET', '/api/v3/account', {}, { signature: 'bad' });
    expect(ex.requests).toHaveLength(3);
    expect(ex.requests[0]).toEqual({
      id: 1,
      time: T + 250,
      method: 'GET',
      path: '/api/v3/ticker/price',
      params: { symbol: 'BTCUSDT' },
      ip: '127.0.0.1',
      apiKey: undefined,
      signatureValid: undefined,
      weight: 2,
      status: 200,
      code: undefined,
      fault: undefined,
    });
    expect(ex.requests[1]).toMatchObject({
      method: 'GET',
      path: '/api/v3/account',
      params: { recvWindow: '3000', timestamp: String(T + 250) },
      apiKey: 'log-key',
      signatureValid: true,
      weight: 20,
      status: 200,
    });
    expect(ex.requests[2]).toMatchObject({ signatureValid: false, status: 400, code: -1022 });
    expect(JSON.stringify(ex.requests)).not.toContain('very-secret');
    expect(seen).toEqual(ex.requests);
  });

  it('counts and filters entries', async () => {
    await client.get('/api/v3/ping');
    await client.get('/api/v3/ping');
    await client.get('/api/v3/depth');
    expect(ex.count()).toBe(3);
    expect(ex.count({ method: 'GET', path: '/api/v3/ping', status: 200 })).toBe(2);
    expect(ex.count({ code: -1102 })).toBe(1);
    expect(ex.count({ path: /depth/ })).toBe(1);
    expect(ex.findRequests({ status: 400 }).map((e) => e.path)).toEqual(['/api/v3/depth']);
    ex.clearLog();
    expect(ex.requests).toHaveLength(0);
    expect(ex.client().usage[0]?.count).toBe(7);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const small = await createFakeExchange({ maxLogEntries: 10 });
    const c = new TestClient(small);
    for (let i = 0; i < 12; i++) await c.get('/api/v3/ping');
    expect(small.requests.length).toBeLessThanOrEqual(10);
    expect(small.requests.at(-1)?.id).toBe(12);
    await small.close();
    const off = await createFakeExchange({ maxLogEntries: 0 });
    await new TestClient(off).get('/api/v3/ping');
    expect(off.requests).toHaveLength(0);
    await off.close();
  });
});
