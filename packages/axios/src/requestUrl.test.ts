import axios, { AxiosHeaders } from 'axios';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binanceErrors, createPlugin } from './index.ts';
import { requestUrl } from './requestUrl.ts';

const bases = [
  '',
  'https://api.binance.com',
  'https://api.binance.com/',
  'https://api.binance.com//',
  'http://127.0.0.1:9/v1',
  'https://evil.example',
  'https://user@api.binance.com?x=1',
  'https://api.binance.com#frag',
  'https:',
  '/relative',
  'HTTPS://API.BINANCE.COM:443',
];
const urls = [
  '',
  '/api/v3/ping',
  'api/v3/ping',
  '//evil.example/x',
  'https://evil.example/x?a=1',
  '/api/v3/order?side=BUY',
  '/api/v3/order#h',
  'https://api.binance.com/api/v3/ping',
  'ftp://x/y',
  '/a%20b/c',
  '/path with space',
  '///x',
  'HTTPS://api.BINANCE.com/x',
  'https://evil.example@api.binance.com/x',
];
// Mostly what Binance's parameters look like, and now and then characters some encoding changes.
const plain = (minLength: number) =>
  fc.string({ unit: fc.constantFrom(...'abcXYZ019_.~-'.split('')), minLength, maxLength: 8 });
const key = fc.oneof(
  { weight: 10, arbitrary: plain(1) },
  fc.string({ unit: fc.constantFrom(...'ab ~+%&=[]#'.split('')), maxLength: 6 }),
);
const value = fc.oneof(
  { weight: 10, arbitrary: plain(0) },
  fc.string({ unit: fc.constantFrom(...'aZ09_.~-:$, +%&=/?#[]@'.split('')), maxLength: 8 }),
  fc.constantFrom('', 'BTCUSDT', '0.01', 'ü'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom(null, undefined),
);
const params = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(key, value, { maxKeys: 4 }) },
  fc.constantFrom(undefined, null),
  fc.constant(new URLSearchParams('symbol=BTCUSDT&b=a b')),
  fc.constant({ nested: { a: 1 }, list: [1, 2] }),
  fc.constant(Object.assign(Object.create(null), { symbol: 'ETHUSDT' })),
);

describe('the URL a request goes to', () => {
  it("builds the URL axios' own getUri builds, for any base, URL, parameters and serializer", () => {
    const reference = new axios.Axios({});
    let fallbacks = 0;
    const counting = new Proxy(reference, {
      get: (target, prop, receiver) =>
        prop === 'getUri'
          ? (config: object) => {
              fallbacks++;
              return target.getUri(config);
            }
          : Reflect.get(target, prop, receiver),
    });
    let calls = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...bases),
        fc.constantFrom(...urls),
        params,
        fc.constantFrom(undefined, true, false),
        fc.oneof(
          { weight: 4, arbitrary: fc.constant(undefined) },
          fc.constantFrom({ serialize: () => 'own=1' }, { encode: (v: string) => v.toUpperCase() }),
        ),
        (baseURL, url, params, allowAbsoluteUrls, paramsSerializer) => {
          const options = {
            baseURL,
            url,
            params,
            ...(allowAbsoluteUrls !== undefined && { allowAbsoluteUrls }),
            ...(paramsSerializer !== undefined && { paramsSerializer }),
          };
          calls++;
          let expected: string;
          try {
            expected = reference.getUri(options);
          } catch (error) {
            // axios refuses it: so does the adapter.
            expect(() => requestUrl(counting, options)).toThrow((error as Error).message);
            return;
          }
          expect(requestUrl(counting, options)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
    // Both paths were taken often: built here, and left to getUri.
    expect(fallbacks).toBeLessThan(calls * 0.75);
    expect(fallbacks).toBeGreaterThan(calls * 0.1);
  });

  it('is where the interceptor decides scope: it takes on exactly the requests getUri puts on a covered origin', () => {
    const options = { apiKey: 'url-test-key', apiSecret: 'url-test-secret', origins: ['http://127.0.0.1:9'] };
    const interceptor = binanceErrors(options);
    const scope = createPlugin(options);
    const reference = new axios.Axios({});
    let checked = 0;
    for (const baseURL of bases)
      for (const url of urls)
        for (const allowAbsoluteUrls of [undefined, true, false]) {
          const config = { baseURL, url, ...(allowAbsoluteUrls !== undefined && { allowAbsoluteUrls }) };
          let target: string;
          try {
            target = reference.getUri(config);
          } catch {
            continue; // axios refuses to send it at all
          }
          const takenOn = interceptor({ ...config, headers: new AxiosHeaders() }).adapter !== undefined;
          expect(takenOn, JSON.stringify({ ...config, target })).toBe(scope.covers(target, baseURL || undefined));
          checked++;
        }
    expect(checked).toBeGreaterThan(300);
  });
});
