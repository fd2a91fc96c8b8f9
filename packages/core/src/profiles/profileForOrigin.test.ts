import { describe, expect, it } from 'vitest';
import { normalizePath } from '../weights/normalizePath.ts';
import { profileForOrigin, profiles } from './profileForOrigin.ts';
import { spot } from './spot.ts';
import { usdm } from './usdm.ts';

describe('profileForOrigin', () => {
  it('picks usdm for the futures production host and both testnets', () => {
    expect(profileForOrigin('https://fapi.binance.com')).toBe(usdm);
    expect(profileForOrigin('https://demo-fapi.binance.com')).toBe(usdm);
    expect(profileForOrigin(new URL('https://testnet.binancefuture.com/fapi/v1/order?x=1'))).toBe(usdm);
  });

  it('picks spot for Spot hosts, other hosts and values that are not URLs', () => {
    expect(profileForOrigin('https://api.binance.com')).toBe(spot);
    expect(profileForOrigin('https://testnet.binance.vision')).toBe(spot);
    expect(profileForOrigin('http://127.0.0.1:4000')).toBe(spot);
    expect(profileForOrigin('https://fapi.binance.com.evil.example')).toBe(spot);
    expect(profileForOrigin('/fapi/v1/order')).toBe(spot);
    expect(profileForOrigin('')).toBe(spot);
  });

  it('lists every profile by its product', () => {
    for (const [product, profile] of Object.entries(profiles)) expect(profile.product).toBe(product);
  });

  it('knows every endpoint and budget of every profile under a gateway prefix, as at the root', () => {
    for (const profile of Object.values(profiles)) {
      for (const { method, path } of profile.endpoints.values()) {
        expect(normalizePath(`/gateway${path}`), `${profile.product} ${path}`).toBe(path);
        expect(profile.isCancel(method, `/gateway${path}`)).toBe(profile.isCancel(method, path));
      }
      for (const budget of profile.budgets) {
        for (const prefix of budget.pathPrefixes) {
          expect(profile.budgetFor(normalizePath(`/gateway${prefix}v1/x`)).name, prefix).toBe(budget.name);
        }
      }
    }
  });

  it("names as resyncCodes exactly the codes its catalog calls 'timestamp', the category the guard resyncs on", () => {
    for (const profile of Object.values(profiles)) {
      const timestamp = profile.catalog.codes.filter((e) => e.category === 'timestamp').map((e) => e.code);
      expect([profile.product, [...profile.resyncCodes].sort()]).toEqual([profile.product, timestamp.sort()]);
    }
  });
});
