import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spot } from '../profiles/spot.ts';
import { usdm } from '../profiles/usdm.ts';
import { weightOf } from '../weights/weightOf.ts';
import { type Described, RequestReader } from './Described.ts';
import type { GuardRequest } from './transport.ts';

const spotReader = () => new RequestReader(spot, spot.endpoints, 1);

describe('RequestReader', () => {
  it('reads a URL exactly as URL does, whether its query is kept verbatim or goes through URL', () => {
    const reader = spotReader();
    const queryChar = fc.constantFrom(...'aZ09=&-_.~%!$()*+,;:@/?"\'<> #\t€[]{}|\\^`'.split(''));
    fc.assert(
      fc.property(
        fc.constantFrom(
          'https://api.binance.com/api/v3/depth',
          'HTTPS://API.Binance.com:443/api/v3/depth',
          'http://127.0.0.1:8080/api/v3/ticker/price',
          'https://api.binance.com',
          'https://api.binance.com/api/v3/../v3/depth',
          'https://api.binance.com/api/v3/ticker%2Fprice',
        ),
        fc.option(
          fc.array(queryChar, { maxLength: 30 }).map((chars) => chars.join('')),
          { nil: undefined },
        ),
        (base, query) => {
          const url = query === undefined ? base : `${base}?${query}`;
          const parsed = new URL(url);
          // Twice: the second read comes from the endpoint cache.
          for (let i = 0; i < 2; i++) {
            const req = reader.describe({ method: 'get', url }, {});
            expect(req.rawUrl).toBe(parsed.href);
            expect(req.origin).toBe(parsed.origin);
            expect(req.path).toBe(parsed.pathname);
            expect([...req.query]).toEqual([...parsed.searchParams]);
            expect(req.method).toBe('GET');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('charges a repeated request what it cost before, and any other by its own method and parameters', () => {
    // The reader remembers its latest request, and each endpoint's latest query and its cost: a random sequence of
    // repeats and changes (of method, path or query; verbatim or not, as quotes and spaces go through URL) must
    // cost what weightOf says, request by request.
    const query = fc.constantFrom(
      'symbol=BTCUSDT&limit=5',
      'symbol=BTCUSDT&limit=5000',
      'symbol=BTCUSDT&limit=abc',
      'symbol=BTCUSDT',
      '',
      'symbols=["BTCUSDT","ETHUSDT"]',
      'symbols=%5B%22BTCUSDT%22%5D',
      "symbols=['A','B','C']",
      'symbol= BTCUSDT&limit=1000',
    );
    const path = fc.constantFrom(
      '/api/v3/depth',
      '/api/v3/ticker/price',
      '/api/v3/ticker/24hr',
      '/api/v3/openOrders',
      '/api/v3/order',
    );
    const method = fc.constantFrom('GET', 'get', 'DELETE', 'POST', undefined);
    fc.assert(
      fc.property(fc.array(fc.tuple(method, path, query), { minLength: 1, maxLength: 40 }), (requests) => {
        const reader = spotReader();
        for (const [m, p, q] of requests) {
          const url = `https://api.binance.com${p}${q === '' ? '' : `?${q}`}`;
          // A JavaScript caller may leave the method out: it is GET.
          const req = reader.describe({ method: m as string, url }, {});
          const upper = (m ?? 'GET').toUpperCase();
          expect(req.method, `${m} ${url}`).toBe(upper);
          expect(req.cost, `${m} ${url}`).toEqual(weightOf(upper, url, undefined, spot.endpoints));
          expect(req.rawUrl, url).toBe(new URL(url).href);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads a request to a URL it read before exactly as a reader that never saw the URL reads it', () => {
    // Readings of body-less requests are kept by URL: a sequence of repeats and changes (of method, URL, body,
    // headers and the call's `signed`) must read, field by field, as each request alone does.
    const fields = (req: Described) => ({
      ...Object.fromEntries(
        (
          ['method', 'origin', 'path', 'rawUrl', 'body', 'cost', 'signed', 'apiKeyOnly', 'reducesExposure'] as const
        ).map((k) => [k, req[k]]),
      ),
      more: [req.placement, req.exchangeInfo, req.label, req.callerKey, req.callerSignature],
      query: [...req.query],
    });
    const profile = fc.constantFrom(spot, usdm);
    const origin = fc.constantFrom('https://api.binance.com', 'https://fapi.binance.com');
    const path = fc.constantFrom('/api/v3/order', '/api/v3/depth', '/api/v3/openOrders', '/fapi/v1/order');
    const query = fc.constantFrom(
      '',
      'symbol=BTCUSDT&limit=5000',
      'symbol=BTCUSDT&reduceOnly=true',
      'symbol=BTCUSDT&signature=abc',
      'symbol=BTCUSDT&%73ignature=abc',
      'symbol=BTCUSDT&recvWindow=9000',
      'symbol= BTCUSDT#x',
    );
    const request = fc.record({
      method: fc.constantFrom('GET', 'get', 'DELETE', 'POST', undefined),
      url: fc.tuple(origin, path, query).map(([o, p, q]) => `${o}${p}${q === '' ? '' : `?${q}`}`),
      body: fc.constantFrom(undefined, '', 'reduceOnly=true', 'symbol=ETHUSDT&limit=5'),
      headers: fc.constantFrom(undefined, { 'X-MBX-APIKEY': 'own' }),
    });
    const call = fc.record({ signed: fc.constantFrom(undefined, true, false) });
    fc.assert(
      fc.property(profile, fc.array(fc.tuple(request, call), { minLength: 1, maxLength: 30 }), (p, sequence) => {
        const reader = new RequestReader(p, p.endpoints, 1);
        for (const [req, options] of sequence) {
          const alone = new RequestReader(p, p.endpoints, 1).describe(req as GuardRequest, options);
          expect(fields(reader.describe(req as GuardRequest, options)), JSON.stringify(req)).toEqual(fields(alone));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('charges each request by its own parameters, though the endpoint is read once', () => {
    const reader = spotReader();
    for (const limit of [5, 100, 500, 1000, 5000]) {
      const url = `https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=${limit}`;
      expect(reader.describe({ method: 'GET', url }, {}).cost.weight).toBe(
        weightOf('GET', url, undefined, spot.endpoints).weight,
      );
    }
    // A body parameter counts, and the query wins a name both give, as the exchange reads them.
    const openOrders = 'https://api.binance.com/api/v3/openOrders';
    expect(reader.describe({ method: 'GET', url: openOrders }, {}).cost.weight).toBe(80);
    expect(reader.describe({ method: 'GET', url: openOrders, body: 'symbol=BTCUSDT' }, {}).cost.weight).toBe(6);
    const both = reader.describe({ method: 'GET', url: `${openOrders}?symbol=`, body: 'symbol=BTCUSDT' }, {});
    expect(both.cost.weight).toBe(80);
  });

  it('finds a signature the caller put in the query, plain or percent-encoded, and only then calls it signed', () => {
    const reader = spotReader();
    const ticker = 'https://api.binance.com/api/v3/ticker/price?symbol=BTCUSDT';
    const plain = reader.describe({ method: 'GET', url: ticker }, {});
    expect([plain.signed, plain.callerSignature]).toEqual([false, undefined]);
    const own = reader.describe({ method: 'GET', url: `${ticker}&signature=abc` }, {});
    expect([own.signed, own.callerSignature]).toEqual([true, 'abc']);
    const encoded = reader.describe({ method: 'GET', url: `${ticker}&%73ignature=abc` }, {});
    expect([encoded.signed, encoded.callerSignature]).toEqual([true, 'abc']);
    expect(reader.describe({ method: 'GET', url: ticker }, { signed: true }).signed).toBe(true);
    expect(reader.describe({ method: 'GET', url: 'https://api.binance.com/api/v3/account' }, {}).signed).toBe(true);
  });

  it("reads the caller's own API key from any header shape", () => {
    const reader = spotReader();
    const url = 'https://api.binance.com/api/v3/ticker/price';
    for (const headers of [
      new Headers({ 'X-MBX-APIKEY': 'k1' }),
      { 'x-mbx-apikey': 'k1' },
      { 'X-MBX-APIKEY': 'k1' },
      { 'X-Mbx-ApiKey': 'k1' },
    ]) {
      expect(reader.describe({ method: 'GET', url, headers }, {}).callerKey).toBe('k1');
    }
    expect(reader.describe({ method: 'GET', url, headers: { accept: 'json' } }, {}).callerKey).toBeUndefined();
  });

  it('asks the profile whether an order reduces exposure, for a single order and a batch alike', () => {
    const reader = new RequestReader(usdm, usdm.endpoints, 1);
    const fapi = 'https://fapi.binance.com/fapi/v1';
    const order = (body: string) => reader.describe({ method: 'POST', url: `${fapi}/order`, body }, {});
    expect(order('symbol=BTCUSDT&side=SELL&type=MARKET&quantity=1&reduceOnly=true').reducesExposure).toBe(true);
    expect(order('symbol=BTCUSDT&side=SELL&type=MARKET&quantity=1').reducesExposure).toBe(false);
    const batch = encodeURIComponent(JSON.stringify([{ symbol: 'BTCUSDT', side: 'SELL', reduceOnly: 'true' }]));
    const described = reader.describe({ method: 'POST', url: `${fapi}/batchOrders?batchOrders=${batch}` }, {});
    expect([described.reducesExposure, described.placement]).toEqual([true, false]);
    expect(reader.describe({ method: 'DELETE', url: `${fapi}/order?symbol=BTCUSDT` }, {}).reducesExposure).toBe(true);
  });
});
