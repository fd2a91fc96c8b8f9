import { describe, expect, it } from 'vitest';
import { BinanceGuard } from '../guard/BinanceGuard.ts';
import { createPlugin } from '../plugin/createPlugin.ts';

const KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';

// [options, the error type, what the message must name]
const BAD: Array<[Record<string, unknown>, ErrorConstructor, RegExp]> = [
  [{ throtle: {} }, TypeError, /unknown option "throtle"; did you mean "throttle"/],
  [{ throttle: { maxwait: 10 } }, TypeError, /unknown option "throttle.maxwait"; did you mean "throttle.maxWaitMs"/],
  [{ throttle: { maxWait: 10 } }, TypeError, /did you mean "throttle.maxWaitMs"/],
  [{ clock: { sample: 3 } }, TypeError, /unknown option "clock.sample"; did you mean "clock.samples"/],
  [
    { breaker: { timeout: 1000 } },
    TypeError,
    /unknown option "breaker.timeout"; did you mean "breaker.resetTimeoutMs"/,
  ],
  [{ retry: { read: 1 } }, TypeError, /unknown option "retry.read"; did you mean "retry.reads"/],
  [{ retry: { zzz: 1 } }, TypeError, /unknown option "retry.zzz"; known: reads, baseDelayMs, maxDelayMs/],
  [{ throttle: 'off' }, TypeError, /throttle must be false or an object, got "off"/],
  [{ retry: false }, TypeError, /retry must be an object, got false/],
  [{ retry: { reads: 1.5 } }, RangeError, /retry.reads must be an integer in \[0, 100\], got 1.5/],
  [{ retry: { reads: -1 } }, RangeError, /retry.reads .* got -1/],
  [{ throttle: { defaultWeight: -1 } }, RangeError, /throttle.defaultWeight .* got -1/],
  [{ throttle: { safety: 0 } }, RangeError, /throttle.safety must be a number in \(0, 1\], got 0/],
  [{ throttle: { maxWaitMs: Number.NaN } }, TypeError, /throttle.maxWaitMs must be a number, got NaN/],
  [{ throttle: { maxWaitMs: Number.POSITIVE_INFINITY } }, RangeError, /throttle.maxWaitMs .*2\^31-1.*got Infinity/],
  [{ throttle: { maxWaitMs: 2 ** 31 } }, RangeError, /throttle.maxWaitMs .*got 2147483648/],
  [{ throttle: { store: {} } }, TypeError, /throttle.store must have a reserve\(\) method/],
  [{ throttle: { limits: 'many' } }, TypeError, /throttle.limits must be an array/],
  [
    { throttle: { limits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: -5 }] } },
    RangeError,
    /throttle.limits\[0\].limit must be a positive integer, got -5/,
  ],
  [
    { throttle: { limits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTES', intervalNum: 1, limit: 5 }] } },
    TypeError,
    /throttle.limits\[0\].interval must be SECOND, MINUTE, HOUR or DAY, got "MINUTES"/,
  ],
  [
    { throttle: { limits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limti: 5 }] } },
    TypeError,
    /throttle.limits\[0\]: unknown field "limti"; did you mean "limit"/,
  ],
  [
    { throttle: { budgetLimits: { sapi: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 0 }] } } },
    RangeError,
    /throttle.budgetLimits.sapi\[0\].intervalNum must be a positive integer, got 0/,
  ],
  [{ throttle: { budgetLimits: { sapi: 'many' } } }, TypeError, /throttle.budgetLimits.sapi must be an array/],
  [{ clock: { resyncIntervalMs: Number.POSITIVE_INFINITY } }, RangeError, /clock.resyncIntervalMs .*got Infinity/],
  [{ clock: { resyncIntervalMs: 30 * 86_400_000 } }, RangeError, /clock.resyncIntervalMs .*got 2592000000/],
  [{ clock: { resyncIntervalMs: 10 } }, RangeError, /clock.resyncIntervalMs must be a number 0 or in \[1000, /],
  [{ clock: { samples: 0 } }, RangeError, /clock.samples .*got 0/],
  [{ breaker: { resetTimeoutMs: 30 * 86_400_000 } }, RangeError, /breaker.resetTimeoutMs .*got 2592000000/],
  [{ breaker: { rollingCountTimeoutMs: 2 ** 31 } }, RangeError, /breaker.rollingCountTimeoutMs .*got 2147483648/],
  [{ breaker: { errorThresholdPercentage: 101 } }, RangeError, /breaker.errorThresholdPercentage .*got 101/],
  [{ breaker: { tripsOn: 'server-busy' } }, TypeError, /breaker.tripsOn must be a function, got "server-busy"/],
  [{ retry: { maxDelayMs: 2 ** 31 } }, RangeError, /retry.maxDelayMs .*got 2147483648/],
  [{ docsBaseUrl: 'docs' }, TypeError, /docsBaseUrl must be an absolute http\(s\) URL string, got "docs"/],
  [{ origins: ['https://relay.example', 'relay'] }, TypeError, /origins\[1\] must be an absolute http\(s\) URL string/],
  [{ origins: ['ftp://relay.example'] }, TypeError, /origins\[0\] must be an absolute http\(s\) URL string/],
  [{ origins: 'https://relay.example' }, TypeError, /origins must be an array/],
  [{ product: 'coinm' }, TypeError, /product must be one of 'spot', 'usdm', got "coinm"/],
  [{ recvWindow: 70_000 }, RangeError, /recvWindow .*got 70000/],
  [{ reconcile: 'yes' }, TypeError, /reconcile must be a boolean, got "yes"/],
  [{ apiKey: `${KEY}\r\nX-Injected: 1`, apiSecret: SECRET }, TypeError, /apiKey contains a control character/],
  // A zero-width space pasted along with the key: fetch cannot send it, the other clients send bytes never issued.
  [{ apiKey: `${KEY}\u200b`, apiSecret: SECRET }, TypeError, /apiKey contains U\+200B at position 65, which cannot/],
  [{ apiKey: `\u201c${KEY}\u201d`, apiSecret: SECRET }, TypeError, /apiKey contains U\+201C at position 1/],
  [{ apiKey: '', apiSecret: SECRET }, TypeError, /apiKey must be a non-empty string, got an empty string/],
  [{ apiKey: KEY, apiSecret: 42 }, TypeError, /apiSecret must be a non-empty string, got number/],
];

describe('validatePluginOptions (through createPlugin)', () => {
  it.each(BAD)('refuses %j at construction, naming the option and the value', (options, type, message) => {
    expect(() => createPlugin(options as never)).toThrow(type);
    expect(() => createPlugin(options as never)).toThrow(message);
  });

  it('refuses guard options beside an explicit guard, which would silently not apply', () => {
    const guard = new BinanceGuard('https://explicit.example');
    expect(() => createPlugin({ guard, throttle: { maxWaitMs: 5 } })).toThrow(
      /"throttle" has no effect together with "guard"/,
    );
    expect(() => createPlugin({ guard, breaker: false })).toThrow(/"breaker" has no effect/);
    expect(() => createPlugin({ guard, product: 'usdm' })).toThrow(/"product" has no effect/);
    expect(() => createPlugin({ guard, recvWindow: 3000, reconcile: true })).not.toThrow();
  });

  it('never prints a secret in its error', () => {
    for (const options of [
      { apiKey: `${KEY}\n`, apiSecret: SECRET },
      { apiKey: `${KEY}\u200b`, apiSecret: SECRET },
      { apiKey: KEY, apiSecret: SECRET, throtle: {} },
      { apiKey: KEY, privateKey: 7 },
    ]) {
      try {
        createPlugin(options as never);
        expect.unreachable();
      } catch (e) {
        expect(String((e as Error).message)).not.toContain(KEY.slice(0, 12));
        expect(String((e as Error).message)).not.toContain(SECRET.slice(0, 12));
      }
    }
  });

  it('accepts every documented option, false groups and the largest timer delay', () => {
    expect(() =>
      createPlugin({
        apiKey: KEY,
        apiSecret: SECRET,
        recvWindow: 5000.5,
        reconcile: true,
        throttle: { maxWaitMs: 2 ** 31 - 1, safety: 1, defaultWeight: 0, intervalScale: 0.01, edgeGuardMs: 0 },
        clock: { resyncIntervalMs: 0, samples: 20 },
        breaker: { resetTimeoutMs: 2 ** 31 - 1, consecutiveFailures: 0, tripsOn: () => false },
        retry: { reads: 0, baseDelayMs: 0, maxDelayMs: 0 },
        docsBaseUrl: 'https://example.com/docs/',
        origins: ['https://relay.example'],
        product: 'spot',
      } as never),
    ).not.toThrow();
    expect(() => createPlugin({ throttle: false, clock: false, breaker: false })).not.toThrow();
  });
});

describe('BinanceGuard options', () => {
  it('refuses the same bad options at construction', () => {
    expect(() => new BinanceGuard('https://a.example', { clock: { resyncIntervalMs: Infinity } })).toThrow(
      /clock.resyncIntervalMs/,
    );
    expect(() => new BinanceGuard('https://a.example', { breaker: { resetTimeout: 5 } } as never)).toThrow(
      /did you mean "breaker.resetTimeoutMs"/,
    );
    expect(() => new BinanceGuard('https://a.example', { apiKey: KEY } as never)).toThrow(/unknown option "apiKey"/);
  });

  it('refuses a shared-guard caller whose options differ, naming the option; equal or absent options share', () => {
    const origin = 'https://conflict.example';
    const first = BinanceGuard.shared(origin, { throttle: { maxWaitMs: 5000 }, breaker: false });
    expect(BinanceGuard.shared(origin, { throttle: { maxWaitMs: 5000 } })).toBe(first);
    expect(BinanceGuard.shared(origin, {})).toBe(first);
    expect(BinanceGuard.shared(origin)).toBe(first);
    expect(() => BinanceGuard.shared(origin, { throttle: { maxWaitMs: 100 } })).toThrow(
      /throttle.maxWaitMs is 100 here, but the guard already shared for https:\/\/conflict.example was built with 5000/,
    );
    expect(() => BinanceGuard.shared(origin, { clock: { samples: 5 } })).toThrow(/clock.samples is 5 .*the default/);
    expect(() => BinanceGuard.shared(origin, { breaker: {} })).toThrow(/breaker is a different object .*false/);
    expect(() => BinanceGuard.shared(origin, { retry: { reads: 1.5 } })).toThrow(RangeError);
    // A frozen options object is checked the first time only, yet a conflicting one is still refused after it.
    const same = Object.freeze({ throttle: { maxWaitMs: 5000 } });
    expect([BinanceGuard.shared(origin, same), BinanceGuard.shared(origin, same)]).toEqual([first, first]);
    expect(() => BinanceGuard.shared(origin, Object.freeze({ throttle: { maxWaitMs: 100 } }))).toThrow(/maxWaitMs/);
    first.close();
    expect(BinanceGuard.shared(origin, same)).not.toBe(first);
    BinanceGuard.shared(origin).close();
  });

  it("picks the API from the origin or the product option, and shares a guard only for the origin's one product", () => {
    const guards = [
      new BinanceGuard('https://fapi.binance.com'),
      new BinanceGuard('https://testnet.binancefuture.com'),
      new BinanceGuard('https://api.binance.com'),
      new BinanceGuard('http://127.0.0.1:1', { product: 'usdm' }),
      new BinanceGuard('https://fapi.binance.com', { product: 'usdm' }),
    ];
    expect(guards.map((g) => g.profile.product)).toEqual(['usdm', 'usdm', 'spot', 'usdm', 'usdm']);
    for (const g of guards) g.close();
    expect(() => new BinanceGuard('https://fapi.binance.com', { product: 'spot' })).toThrow(
      /product is "spot", but https:\/\/fapi.binance.com serves Binance USDⓈ-M Futures \("usdm"\)/,
    );
    // The plugin's product names the API of origins that do not say it; Binance's own hosts keep theirs.
    const plugin = createPlugin({ product: 'usdm' });
    const spotGuard = plugin.guardFor('https://api4.binance.com/api/v3/time');
    expect([plugin.guardFor('http://127.0.0.1:2/fapi/v1/time').profile.product, spotGuard.profile.product]).toEqual([
      'usdm',
      'spot',
    ]);
    plugin.guardFor('http://127.0.0.1:2/').close();
    spotGuard.close();
    const futures = BinanceGuard.shared('https://demo-fapi.binance.com');
    // Naming the product the origin serves anyway is no conflict; another one is.
    expect(BinanceGuard.shared('https://demo-fapi.binance.com', { product: 'usdm' })).toBe(futures);
    expect(() => BinanceGuard.shared('https://demo-fapi.binance.com', { product: 'spot' })).toThrow(
      /product is "spot" here, but the guard already shared for https:\/\/demo-fapi.binance.com was built with "usdm"/,
    );
    futures.close();
  });
});
