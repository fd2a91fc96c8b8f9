import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeExchange } from '../createFakeExchange.ts';
import type { FakeExchange } from '../FakeExchange.ts';
import { ApiError } from '../http/ApiError.ts';
import { TestClient } from '../testClient.ts';
import { checkTimestamp } from './checkTimestamp.ts';

const T = 1_700_000_000_000;
const AHEAD = { code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." };
const OUTSIDE = { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' };

describe('checkTimestamp (through GET /api/v3/account)', () => {
  let ex: FakeExchange;
  let client: TestClient;
  const account = (timestamp: number | string, extra: Record<string, string | number> = {}) =>
    client.signed('GET', '/api/v3/account', extra, { timestamp });

  beforeAll(async () => {
    ex = await createFakeExchange({ now: () => T, accounts: [{ apiKey: 'k', secret: 's' }] });
    client = new TestClient(ex, { apiKey: 'k', secret: 's' });
  });
  beforeEach(() => ex.reset());
  afterAll(() => ex.close());

  it('accepts a timestamp 999 ms ahead of the server and rejects 1000 ms ahead', async () => {
    expect((await account(T + 999)).status).toBe(200);
    const r = await account(T + 1000);
    expect(r.status).toBe(400);
    expect(r.data).toEqual(AHEAD);
  });

  it('accepts serverTime - timestamp = recvWindow and rejects recvWindow + 1 (default 5000)', async () => {
    expect((await account(T - 5000)).status).toBe(200);
    expect((await account(T - 5001)).data).toEqual(OUTSIDE);
  });

  it('uses the recvWindow the request sends', async () => {
    expect((await account(T - 10_000, { recvWindow: 10_000 })).status).toBe(200);
    expect((await account(T - 10_001, { recvWindow: 10_000 })).data).toEqual(OUTSIDE);
  });

  it('reads timestamps above 1e14 as microseconds, with the same boundaries', async () => {
    expect((await account((T + 999) * 1000 + 999)).status).toBe(200);
    expect((await account((T + 1000) * 1000)).data).toEqual(AHEAD);
    expect((await account((T - 5000) * 1000)).status).toBe(200);
    expect((await account((T - 5000) * 1000 - 1)).data).toEqual(OUTSIDE);
  });

  it('accepts recvWindow with three decimals (microseconds)', async () => {
    expect((await account((T - 5000) * 1000 - 500, { recvWindow: '5000.5' })).status).toBe(200);
    expect((await account((T - 5000) * 1000 - 501, { recvWindow: '5000.5' })).data).toEqual(OUTSIDE);
  });

  it('rejects recvWindow above 60000 with -1102 and accepts exactly 60000', async () => {
    expect((await account(T - 60_000, { recvWindow: 60_000 })).status).toBe(200);
    const r = await account(T, { recvWindow: '60000.001' });
    expect(r.data).toEqual({
      code: -1102,
      msg: "'recvWindow' contains unexpected value. Cannot be greater than 60000.",
    });
  });

  it('follows the skew of the server clock', async () => {
    ex.setSkew(5000);
    expect((await client.get('/api/v3/time')).data).toEqual({ serverTime: T + 5000 });
    expect((await account(T)).status).toBe(200);
    ex.setSkew(5001);
    expect((await account(T)).data).toEqual(OUTSIDE);
    ex.setSkew(-999);
    expect((await account(T)).status).toBe(200);
    ex.setSkew(-1000);
    expect((await account(T)).data).toEqual(AHEAD);
  });

  it('counts a request rejected for its timestamp against the weight limit (rejected at receipt)', async () => {
    await account(T + 5000);
    expect(ex.client().usage[0]?.count).toBe(20);
  });
});

describe('checkTimestamp', () => {
  const codeOf = (fn: () => void): number | undefined => {
    try {
      fn();
      return undefined;
    } catch (e) {
      return e instanceof ApiError ? e.code : Number.NaN;
    }
  };

  it('rejects malformed timestamps and recvWindows with the exchange codes', () => {
    expect(codeOf(() => checkTimestamp(undefined, undefined, T))).toBe(-1102);
    expect(codeOf(() => checkTimestamp('12a', undefined, T))).toBe(-1100);
    expect(codeOf(() => checkTimestamp(String(T), 'abc', T))).toBe(-1100);
    expect(codeOf(() => checkTimestamp(String(T), '5000.1234', T))).toBe(-1111);
    expect(codeOf(() => checkTimestamp(String(T), '5000.123', T))).toBeUndefined();
  });

  it('handles a fractional server clock without float error at the boundary', () => {
    expect(codeOf(() => checkTimestamp(String(T + 1000), undefined, T + 0.5))).toBeUndefined();
    expect(codeOf(() => checkTimestamp(String(T + 1000), undefined, T))).toBe(-1021);
  });
});
