import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { profiles } from '../profiles/profileForOrigin.ts';
import { BINANCE_ORIGINS, BINANCE_SPOT_ORIGINS, OriginScope, originOf } from './OriginScope.ts';

describe('OriginScope', () => {
  it("covers Binance's hosts of every product, the client's base URL and the listed origins, and nothing else", () => {
    const scope = new OriginScope(['https://relay.example:8443/some/path']);
    expect(scope.covers('https://api.binance.com/api/v3/order')).toBe(true);
    expect(scope.covers(new URL('https://api3.binance.com/api/v3/time'))).toBe(true);
    expect(scope.covers('https://testnet.binance.vision/api/v3/account')).toBe(true);
    expect(scope.covers('https://fapi.binance.com/fapi/v1/order')).toBe(true);
    expect(scope.covers('https://testnet.binancefuture.com/fapi/v1/time')).toBe(true);
    expect(scope.covers('https://demo-fapi.binance.com/fapi/v1/time')).toBe(true);
    expect(scope.covers('https://relay.example:8443/api/v3/order')).toBe(true);
    expect(scope.covers('https://relay.example/api/v3/order')).toBe(false);
    expect(scope.covers('http://api.binance.com/api/v3/order')).toBe(false);
    expect(scope.covers('https://hooks.slack.com/services/x')).toBe(false);
    expect(scope.covers('https://api.binance.com.evil.example/api/v3/order')).toBe(false);
    expect(scope.covers('http://127.0.0.1:9000/api/v3/order', 'http://127.0.0.1:9000/')).toBe(true);
    expect(scope.covers('http://127.0.0.1:9001/api/v3/order', 'http://127.0.0.1:9000/')).toBe(false);
    expect(scope.covers('not a url')).toBe(false);
  });

  it('leaves COIN-M Futures requests alone, on its own host, the shared testnet, a base URL or under a prefix', () => {
    const scope = new OriginScope();
    expect(scope.covers('https://testnet.binancefuture.com/dapi/v1/order')).toBe(false);
    expect(scope.covers(new URL('https://testnet.binancefuture.com/dapi/v1/time'))).toBe(false);
    expect(scope.covers('https://dapi.binance.com/dapi/v1/order', 'https://dapi.binance.com')).toBe(false);
    expect(scope.covers('http://127.0.0.1:9000/gw/dapi/v1/order', 'http://127.0.0.1:9000/gw')).toBe(false);
    // A base URL and a path the client joins later (axios), either holding the root.
    expect(scope.covers('http://127.0.0.1:9000', 'http://127.0.0.1:9000', 'dapi/v1/order')).toBe(false);
    expect(scope.covers('http://127.0.0.1:9000/dapi/v1', 'http://127.0.0.1:9000/dapi/v1', 'order')).toBe(false);
    expect(scope.covers('http://127.0.0.1:9000', 'http://127.0.0.1:9000', '/api/v3/order')).toBe(true);
    // Only the path says so: a parameter that happens to hold `/dapi/` does not.
    expect(scope.covers('https://fapi.binance.com/fapi/v1/order?newClientOrderId=/dapi/x')).toBe(true);
    expect(scope.covers('https://testnet.binancefuture.com/fapi/v1/order')).toBe(true);
    // Nor does a host of that name.
    expect(scope.covers('http://dapi/api/v3/order', 'http://dapi')).toBe(true);
  });

  it('reads the origin exactly as URL parsing does, however the URL is written', () => {
    const scope = new OriginScope();
    const base = 'http://127.0.0.1:9000';
    const cases: [string, boolean][] = [
      ['HTTPS://API.Binance.COM/api/v3/time', true],
      ['https://api.binance.com:443/api/v3/time', true],
      ['https://api.binance.com:444/api/v3/time', false],
      ['https://api.binance.com?x=1', true],
      ['https://api.binance.com#frag', true],
      ['https://api.binance.com', true],
      ['https://api.binance.com.evil.example/', false],
      ['https://evil.example@api.binance.com/api/v3/time', true],
      ['https://api.binance.com@evil.example/api/v3/time', false],
      ['https://api.binance.com:1@evil.example/', false],
      ['https://api.binance.com\\@evil.example/', true],
      ['https://api.bin\tance.com/api/v3/time', true],
      ['https://api.binance.com:99999/api/v3/time', false],
      [' https://api.binance.com/api/v3/time', true],
      ['http://127.0.0.1:9000/api', true],
      ['http://127.0.0.1:09000/api', true],
      ['http://127.0.0.1:80/api', false],
      ['http://2130706433:9000/api', true],
      ['ftp://api.binance.com/', false],
    ];
    for (const [url, expected] of cases) {
      // Twice: the second answer comes from the cache of URL starts.
      expect([scope.covers(url, base), scope.covers(url, base)], url).toEqual([expected, expected]);
    }
  });

  it('reads the origin of any URL after any other exactly as URL parsing does', () => {
    // The latest URL starts are tried first: a URL that shares one's text but not its authority
    // (`https://api.binance.com.evil.example`, `…com@evil.example`, `…com:1@…`) must still be read whole.
    const start = fc.constantFrom('https://api.binance.com', 'http://127.0.0.1:9000', 'HTTP://127.0.0.1', 'ftp://a.b');
    const rest = fc
      .array(fc.constantFrom('/', '?', '#', '.', '@', ':', '1', 'evil', '\\', ' ', 'api/v3'), { maxLength: 5 })
      .map((parts) => parts.join(''));
    const expected = (url: string) => {
      try {
        const parsed = new URL(url);
        return /^https?:$/.test(parsed.protocol) ? parsed.origin : undefined;
      } catch {
        return undefined;
      }
    };
    fc.assert(
      fc.property(fc.array(fc.tuple(start, rest), { minLength: 1, maxLength: 12 }), (urls) => {
        for (const [s, r] of urls) expect(originOf(s + r), s + r).toBe(expected(s + r));
      }),
      { numRuns: 500 },
    );
  });

  it('judges each request by its own base, whichever bases came before', () => {
    const parsed = (url: string | URL) => {
      try {
        const u = new URL(url);
        return /^https?:$/.test(u.protocol) ? u.origin : undefined;
      } catch {
        return undefined;
      }
    };
    const url = fc.constantFrom('http://127.0.0.1:9000/api', 'http://127.0.0.1:9001/api', 'https://api.binance.com/x');
    const base = fc.constantFrom(undefined, '', 'http://127.0.0.1:9000', 'http://127.0.0.1:9001/v1', 'not a url');
    fc.assert(
      fc.property(fc.array(fc.tuple(url, base), { minLength: 1, maxLength: 10 }), (requests) => {
        const scope = new OriginScope();
        for (const [u, b] of requests) {
          const origin = parsed(u);
          const expected = BINANCE_ORIGINS.includes(origin!) || (b !== undefined && b !== '' && parsed(b) === origin);
          expect(scope.covers(u, b), `${u} on ${b}`).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
    // A base given as a URL object is read again each time: it may have changed since.
    const scope = new OriginScope();
    const moving = new URL('http://127.0.0.1:9000/');
    expect(scope.covers('http://127.0.0.1:9000/api', moving)).toBe(true);
    moving.port = '9001';
    expect(scope.covers('http://127.0.0.1:9000/api', moving)).toBe(false);
  });

  it('lists each profile origin once, taken from the profiles', () => {
    expect(BINANCE_ORIGINS).toEqual(
      Object.values(profiles).flatMap((p) =>
        [...p.origins.production, ...p.origins.testnet].map((h) => `https://${h}`),
      ),
    );
    expect(new Set(BINANCE_ORIGINS).size).toBe(BINANCE_ORIGINS.length);
    expect(BINANCE_SPOT_ORIGINS).toContain('https://api.binance.com');
    expect(BINANCE_SPOT_ORIGINS).not.toContain('https://fapi.binance.com');
  });
});
