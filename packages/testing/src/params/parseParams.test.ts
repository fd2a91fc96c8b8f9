import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeExchange } from '../createFakeExchange.ts';
import type { FakeExchange } from '../FakeExchange.ts';
import { signPayload, TestClient } from '../testClient.ts';
import { parseParams } from './parseParams.ts';

describe('parseParams', () => {
  it('merges query and body with the query winning on duplicates', () => {
    const { params, error } = parseParams('a=1&b=2', 'b=3&c=4');
    expect(error).toBeUndefined();
    expect({ ...params }).toEqual({ a: '1', b: '2', c: '4' });
  });

  it('form-decodes names and values', () => {
    const { params } = parseParams('symbols=%5B%22BTCUSDT%22%5D&note=a+b', '');
    expect({ ...params }).toEqual({ symbols: '["BTCUSDT"]', note: 'a b' });
  });

  it('reports -1101 for a name repeated within one source and -1100 for a broken escape', () => {
    expect(parseParams('a=1&a=2', '').error?.code).toBe(-1101);
    expect(parseParams('a=%ZZ', '').error?.code).toBe(-1100);
  });

  it('keeps names such as __proto__ as plain keys', () => {
    const { params } = parseParams('__proto__=x&constructor=y', 'constructor=z');
    expect(Object.getPrototypeOf(params)).toBeNull();
    expect(Object.entries(params)).toContainEqual(['__proto__', 'x']);
    expect(params.constructor).toBe('y');
  });
});

describe('parameter rules (through HTTP)', () => {
  let ex: FakeExchange;
  let client: TestClient;

  beforeAll(async () => {
    ex = await createFakeExchange({ accounts: [{ apiKey: 'k', secret: 's' }] });
    client = new TestClient(ex, { apiKey: 'k', secret: 's' });
  });
  afterAll(() => ex.close());

  it('lets the query win over the body for a signed request', async () => {
    const query = 'symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001';
    const body = `symbol=NOPE&timestamp=${ex.now()}`;
    const signature = signPayload(client.key!, query + body);
    const r = await client.raw('POST', '/api/v3/order/test', query, `${body}&signature=${signature}`, {
      'X-MBX-APIKEY': 'k',
    });
    expect(r.status).toBe(200);
    expect(ex.requests.at(-1)?.params.symbol).toBe('BTCUSDT');
  });

  it('answers -1101 for duplicate values', async () => {
    const r = await client.raw('GET', '/api/v3/depth', 'symbol=BTCUSDT&symbol=ETHUSDT');
    expect(r.data).toEqual({ code: -1101, msg: 'Duplicate values for a parameter detected.' });
  });

  it('answers -1103 for a parameter the endpoint does not take', async () => {
    const r = await client.get('/api/v3/depth', { symbol: 'BTCUSDT', colour: 'blue' });
    expect(r.data).toEqual({ code: -1103, msg: 'An unknown parameter was sent.' });
    expect((await client.signed('GET', '/api/v3/account', { foo: 1 })).code).toBe(-1103);
  });

  it('answers -1102 naming a missing or empty mandatory parameter', async () => {
    const missing = await client.get('/api/v3/depth');
    expect(missing.data).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    });
    expect((await client.get('/api/v3/depth', { symbol: '' })).msg).toBe(missing.msg);
    expect((await client.get('/api/v3/klines', { symbol: 'BTCUSDT' })).msg).toBe(
      "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.",
    );
  });

  it('answers -1100 for a malformed integer and -1130 for one out of range', async () => {
    expect((await client.get('/api/v3/depth', { symbol: 'BTCUSDT', limit: 'ten' })).data).toEqual({
      code: -1100,
      msg: "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'.",
    });
    expect((await client.get('/api/v3/klines', { symbol: 'BTCUSDT', interval: '1m', limit: 5000 })).data).toEqual({
      code: -1130,
      msg: "Data sent for parameter 'limit' is not valid.",
    });
  });
});
