import { describe, expect, it } from 'vitest';
import { headerCount } from './headerCount.ts';

const lower = 'x-mbx-used-weight-1m';
const canonical = 'X-MBX-USED-WEIGHT-1M';

describe('headerCount', () => {
  it('reads Headers, lower-case records, server-cased records and objects with get()', () => {
    expect(headerCount(new Headers({ [canonical]: '42' }), lower, canonical)).toBe(42);
    expect(headerCount({ [lower]: '43' }, lower, canonical)).toBe(43);
    expect(headerCount({ [canonical]: '44' }, lower, canonical)).toBe(44);
    expect(headerCount({ 'X-Mbx-Used-Weight-1m': 45 }, lower, canonical)).toBe(45);
    const axiosLike = { get: (name: string) => (name.toLowerCase() === lower ? '46' : undefined) };
    expect(headerCount(axiosLike, lower, canonical)).toBe(46);
    expect(headerCount({ [lower]: ['1', '47'] }, lower, canonical)).toBe(47);
  });

  it('answers undefined for absent, malformed or hostile headers', () => {
    expect(headerCount(undefined, lower, canonical)).toBeUndefined();
    expect(headerCount({}, lower, canonical)).toBeUndefined();
    expect(headerCount({ [lower]: 'abc' }, lower, canonical)).toBeUndefined();
    expect(headerCount({ [lower]: '-3' }, lower, canonical)).toBeUndefined();
    expect(headerCount({ [lower]: '' }, lower, canonical)).toBeUndefined();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    expect(headerCount(hostile, lower, canonical)).toBeUndefined();
  });
});
