import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinanceError } from '../errors/BinanceError.ts';
import { classify } from './classify.ts';

// Values that tend to break parsers: prototype keys, wrong types where strings belong, huge and deep values.
const nasty = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'code', 'msg', 'data', 'error', 'status'),
  fc.string(),
);
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer({ min: -100_000, max: 100_000 }),
    fc.string(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nasty, tie('value'), { maxKeys: 6 }),
  ),
})).value;
const body = fc.oneof(
  jsonish,
  jsonish.map((v) => JSON.stringify(v) ?? ''),
  fc.uint8Array({ maxLength: 512 }),
  fc.string(),
  fc.record({
    code: fc.oneof(fc.integer(), fc.string(), fc.double(), jsonish),
    msg: fc.oneof(fc.string(), fc.integer(), jsonish),
  }),
  fc.record({ id: jsonish, status: fc.oneof(fc.integer(), fc.string()), error: jsonish, rateLimits: jsonish }),
);
const headers = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(
    fc.oneof(nasty, fc.constant('retry-after')),
    fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined)),
  ),
);
const input = fc.record(
  {
    status: fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double(), fc.constant(undefined)),
    headers,
    body,
    error: fc.oneof(
      jsonish,
      fc.string().map((m) => new Error(m)),
      fc.constant(undefined),
    ),
    request: fc.oneof(
      fc.record({
        method: fc.string(),
        url: fc.oneof(fc.string(), fc.constant('https://fapi.binance.com/fapi/v1/order')),
      }),
      fc.constant(undefined),
    ),
    // Typed callers pass 'spot' or 'usdm'; JavaScript callers may pass anything.
    product: fc.oneof(fc.constantFrom('spot', 'usdm', undefined), nasty),
  },
  { requiredKeys: [] },
);

describe('classify (property)', () => {
  it('never throws and always returns a BinanceError', () => {
    fc.assert(
      fc.property(input, (value) => {
        const err = classify(value as never);
        expect(err).toBeInstanceOf(BinanceError);
        expect(typeof err.message).toBe('string');
        expect(typeof err.hint).toBe('string');
        expect(['no', 'unknown', 'partial']).toContain(err.executed);
        expect(() => JSON.stringify(err)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('survives a 10 MB body, deep nesting and a prototype-polluting body', () => {
    const big = `{"code":-1013,"msg":"Filter failure: LOT_SIZE","pad":"${'x'.repeat(10 * 1024 * 1024)}"}`;
    expect(classify({ status: 400, body: big }).filter).toBe('LOT_SIZE');
    expect(classify({ status: 400, body: Buffer.from(big) }).filter).toBe('LOT_SIZE');
    expect(classify({ status: 400, body: 'x'.repeat(10 * 1024 * 1024) }).category).toBe('request');
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(classify({ status: 400, body: deep })).toBeInstanceOf(BinanceError);
    const polluting = classify({
      status: 400,
      body: '{"__proto__":{"code":-1021},"constructor":{"prototype":{"msg":1}}}',
    });
    expect(polluting.code).toBeUndefined();
    expect(({} as Record<string, unknown>).code).toBeUndefined();
  });
});
