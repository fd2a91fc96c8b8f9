import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinanceError } from '../errors/BinanceError.ts';
import { MAX_SERVER_WAIT_MS } from '../time/limits.ts';
import { classify } from './classify.ts';

// Hostile wire numbers: what a broken proxy, a fuzzer or a µs-configured server puts where Binance puts ms.
const digits = fc.oneof(
  fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String),
  fc.constantFrom('9999999999999999', '1659146400000', '1659146400000000', '1659146400', '0', '1e400', '-5', 'NaN'),
);
const number = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.MAX_VALUE, Number.MIN_VALUE, -0, 2 ** 31, 8.64e15 + 1, 1e21),
  digits,
);
const retryAfter = fc.oneof(
  digits,
  fc.constantFrom(
    '1e400',
    'Infinity',
    '-1',
    ' 3 ',
    '0.0001',
    'Fri, 31 Dec 9999 23:59:59 GMT',
    'Thu, 01 Jan 1970 00:00:00 GMT',
  ),
  fc.string({ maxLength: 12 }),
);
const banMsg = fc
  .tuple(
    fc.constantFrom('IP', 'IP()', 'IP(1.2.3.4)', 'IP(2001:db8::1)', 'IP(***.***.***.***)', ''),
    digits,
    fc.string({ maxLength: 8 }),
  )
  .map(([ip, until, tail]) => `Way too much request weight used; ${ip} banned until ${until}.${tail}`);
const body = fc.oneof(
  fc.record({
    code: fc.constantFrom(-1003, -1008, -1015, -1021, 0, -1013, -2019, -4003, -5028),
    msg: fc.oneof(
      banMsg,
      fc.string(),
      fc.constantFrom(
        'Unknown error, please check your request or try again later.',
        'Service Unavailable.',
        'Internal error; unable to process your request. Please try again.',
      ),
    ),
  }),
  fc.record({
    id: fc.string({ maxLength: 4 }),
    status: fc.constantFrom(418, 429, 503, 400),
    error: fc.record({
      code: fc.constantFrom(-1003, -1015),
      msg: banMsg,
      data: fc.record({ retryAfter: number, serverTime: number }, { requiredKeys: [] }),
    }),
  }),
  banMsg.map((msg) => JSON.stringify({ code: -1003, msg })),
  fc.constantFrom(
    '{"__proto__":{"polluted":1},"code":-1003,"msg":"IP banned until 1e999"}',
    '<html><body>The Amazon CloudFront distribution is configured to block access from your country.</body></html>',
    '',
  ),
);
const input = fc.record(
  {
    status: fc.oneof(fc.constantFrom(418, 429, 451, 403, 503, 500, 400, 200), fc.integer({ min: -1, max: 1000 })),
    headers: fc.oneof(fc.constant(undefined), fc.record({ 'retry-after': retryAfter })),
    body,
    now: fc.oneof(fc.constant(undefined), fc.constant(1_700_000_000_000), number),
    product: fc.constantFrom(undefined, 'spot', 'usdm'),
    request: fc.option(
      fc.record({
        method: fc.constantFrom('GET', 'POST'),
        url: fc.constantFrom('https://fapi.binance.com/fapi/v1/order', 'https://api.binance.com/api/v3/order', 'x'),
      }),
      { nil: undefined },
    ),
  },
  { requiredKeys: ['body'] },
);

/** Every promise classify() makes about numbers, checked without `expect` so 100,000 runs stay fast. */
function wellFormed(err: BinanceError): string | undefined {
  if (!(err instanceof BinanceError)) return 'not a BinanceError';
  const wait = err.retryAfterMs;
  if (wait !== undefined && !(Number.isFinite(wait) && wait >= 0 && wait <= MAX_SERVER_WAIT_MS)) {
    return `retryAfterMs ${wait}`;
  }
  if (err.bannedUntil !== undefined && !(err.bannedUntil instanceof Date && Number.isFinite(err.bannedUntil.getTime())))
    return 'bannedUntil is an Invalid Date';
  if (/NaN|Infinity|Invalid Date/.test(err.message.replace(/"[^"]*"/g, '')) && !/NaN|Infinity/.test(err.msg ?? '')) {
    return `message ${err.message}`;
  }
  try {
    JSON.stringify(err);
  } catch (e) {
    return `JSON.stringify threw ${String(e)}`;
  }
  if (Object.hasOwn(Object.prototype, 'polluted')) return 'prototype polluted';
  return undefined;
}

describe('classify (fuzz)', () => {
  it('keeps every wire number finite, bounded and serialisable over 100,000 hostile inputs', () => {
    let runs = 0;
    fc.assert(
      fc.property(input, (value) => {
        runs++;
        const err = classify(value as never);
        const problem = wellFormed(err);
        if (problem !== undefined) throw new Error(problem);
        // Whatever the body says, a 418 is a ban and a 429 a rate limit, so the guard records them.
        if (value.status === 418 && err.category !== 'ip-ban') throw new Error(`418 read as ${err.category}`);
        // A code the product's catalog knows is never `unknown`.
        const code = typeof value.body === 'object' && 'code' in value.body ? value.body.code : undefined;
        if (value.product === 'usdm' && code !== undefined && code !== 0 && err.category === 'unknown')
          throw new Error(`futures ${code} read as unknown`);
        if (
          value.status === 429 &&
          err.category !== 'rate-limit' &&
          err.category !== 'ip-ban' &&
          err.category !== 'partial'
        )
          throw new Error(`429 read as ${err.category}`);
      }),
      { numRuns: 100_000 },
    );
    expect(runs).toBe(100_000);
    // A fixed number of runs: how long they take is the machine's (3 s here once, 7 s on a slower one), so the
    // limit is there to catch a hang, not to time it.
  }, 60_000);

  it('records a ban whatever the text: µs, IPv6 and IP() variants, clamped to three days', () => {
    const now = 1_700_000_000_000;
    const ban = (msg: string) => classify({ status: 418, body: { code: -1003, msg }, now });
    expect(ban('IP banned until 1700000120000.').bannedUntil?.getTime()).toBe(1_700_000_120_000);
    expect(ban('IP() banned until 1700000120000.').bannedUntil?.getTime()).toBe(1_700_000_120_000);
    expect(ban('IP(2001:db8::1) banned until 1700000120000.').bannedUntil?.getTime()).toBe(1_700_000_120_000);
    expect(ban('IP banned until 1700000120000000.').bannedUntil?.getTime()).toBe(1_700_000_120_000);
    const hostile = ban('IP banned until 9999999999999999.');
    expect(hostile.category).toBe('ip-ban');
    expect(hostile.bannedUntil?.getTime()).toBe(now + MAX_SERVER_WAIT_MS);
    expect(hostile.retryAfterMs).toBe(MAX_SERVER_WAIT_MS);
  });

  it('cuts a Retry-After of 1e400 or twenty nines to the maximum instead of NaN or Infinity', () => {
    const now = 1_700_000_000_000;
    const huge = classify({ status: 429, headers: { 'retry-after': '9'.repeat(400) }, body: { code: -1003 }, now });
    expect(huge.retryAfterMs).toBe(MAX_SERVER_WAIT_MS);
    const date = classify({ status: 429, headers: { 'retry-after': 'Fri, 31 Dec 9999 23:59:59 GMT' }, now });
    expect(date.retryAfterMs).toBe(MAX_SERVER_WAIT_MS);
    expect(classify({ status: 429, headers: { 'retry-after': '1e400' }, now }).retryAfterMs).toBeUndefined();
  });
});
