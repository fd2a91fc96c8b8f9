import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retryAfter.ts';

const NOW = Date.parse('1994-11-06T08:49:30Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds, and the first of two headers joined by fetch', () => {
    expect(parseRetryAfter('2', NOW)).toBe(2000);
    expect(parseRetryAfter(' 1.5 ', NOW)).toBe(1500);
    expect(parseRetryAfter('2, 2', NOW)).toBe(2000);
    expect(parseRetryAfter('3,1', NOW)).toBe(3000);
  });

  it('reads the three HTTP-date forms', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(7000);
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(7000);
    expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', NOW)).toBe(7000);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:59 GMT', NOW)).toBe(7000);
  });

  it('reads nothing else: no garbage becomes a date in 2001, a wait of 0', () => {
    for (const value of ['-5', '+5', '2 3', '1e12', 'soon', '', '0x10', '5 seconds', 'Sun, 06 Nov 1994']) {
      expect(parseRetryAfter(value, NOW), value).toBeUndefined();
    }
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});
