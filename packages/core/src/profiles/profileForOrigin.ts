import type { ApiProduct, ApiProfile } from './ApiProfile.ts';
import { PROFILES } from './registry.generated.ts';
import { spot } from './spot.ts';

/** Every profile the core ships, by product: one per profile file in `src/profiles/`. */
export const profiles: Readonly<Record<ApiProduct, ApiProfile>> = Object.freeze({ ...PROFILES });

/**
 * The profile of the API served at `origin` (an origin or any absolute URL): `usdm` for `fapi.binance.com` and the
 * two futures testnets, `spot` for everything else, including a value that is not a URL. Never throws.
 *
 * @example
 * ```ts
 * profileForOrigin('https://fapi.binance.com').product;           // 'usdm'
 * profileForOrigin('https://testnet.binancefuture.com/fapi/v1/order').product; // 'usdm'
 * profileForOrigin('http://127.0.0.1:8080').product;              // 'spot'
 * ```
 */
export function profileForOrigin(origin: string | URL): ApiProfile {
  return officialProfile(origin) ?? spot;
}

/**
 * The profile whose official origins (production or testnet) include `origin`'s host, or `undefined` for any other
 * origin (a proxy, a relay, loopback) and for a value that is not a URL. Never throws.
 */
export function officialProfile(origin: string | URL): ApiProfile | undefined {
  let hostname: string;
  try {
    hostname = (origin instanceof URL ? origin : new URL(String(origin))).hostname;
  } catch {
    return undefined;
  }
  return Object.values(profiles).find((profile) => profile.servesHost(hostname));
}

/**
 * The origin whose guard `origin` shares: the first of its profile's `sameBudget` hosts for one of them over https
 * (`https://api1.binance.com` → `https://api.binance.com`), else `origin` itself. Never throws.
 */
export function budgetOrigin(origin: string): string {
  // `URL.parse` would read better, but Node has it only from 22.1; the packages promise 22.0.
  const url = URL.canParse(origin) ? new URL(origin) : null;
  if (url === null || url.protocol !== 'https:' || url.port !== '') return origin;
  const host = url.hostname.toLowerCase();
  for (const profile of Object.values(profiles)) {
    const group = profile.origins.sameBudget;
    if (group?.includes(host)) return `https://${group[0]}`;
  }
  return origin;
}
