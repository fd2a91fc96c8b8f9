import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParamReader } from './ParamReader.ts';

describe('ParamReader', () => {
  it('reads a query string as URLSearchParams does, whether or not it needs decoding', () => {
    const text = fc.array(fc.constantFrom(...'ab=&%2B+x?1 '.split('')), { maxLength: 24 }).map((c) => c.join(''));
    fc.assert(
      fc.property(text, fc.constantFrom('a', 'b', 'ab', 'x', '', '?a', 'a b', '+'), (query, name) => {
        for (const text of [query, `?${query}`]) {
          expect(new ParamReader(text).get(name)).toBe(new URLSearchParams(text).get(name) ?? undefined);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
