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

  it('reads the zones gateways write (Go RFC1123 UTC, RFC 5322 +0000), and asctime as GMT in any time zone', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 UTC', NOW)).toBe(7000);
    expect(parseRetryAfter('Sun, 6 Nov 1994 08:49:37 +0000', NOW)).toBe(7000);
    expect(parseRetryAfter('Sun, 06 Nov 1994 09:49:37 +0100', NOW)).toBe(7000);
    const zone = process.env.TZ;
    process.env.TZ = 'Asia/Shanghai';
    try {
      expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', NOW)).toBe(7000);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('reads nothing else: no garbage becomes a date in 2001, a wait of 0', () => {
    for (const value of ['-5', '+5', '2 3', '1e12', 'soon', '', '0x10', '5 seconds', 'Sun, 06 Nov 1994']) {
      expect(parseRetryAfter(value, NOW), value).toBeUndefined();
    }
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});
