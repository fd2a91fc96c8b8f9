import type { ApiProfile } from '../profiles/ApiProfile.ts';
import { profiles } from '../profiles/profileForOrigin.ts';
import { spot } from '../profiles/spot.ts';

/** A profile's official origins, production and testnet: `https://` and each hostname. */
function originsOf(profile: ApiProfile): string[] {
  return [...profile.origins.production, ...profile.origins.testnet].map((host) => `https://${host}`);
}

/** Binance's official Spot REST origins, production and testnet, as the `spot` profile lists them. */
export const BINANCE_SPOT_ORIGINS: readonly string[] = Object.freeze(originsOf(spot));

/**
 * Every official origin of every API the core knows (Spot, USDⓈ-M Futures, …), production and testnet: the plugin
 * acts on them wherever the client points.
 */
export const BINANCE_ORIGINS: readonly string[] = Object.freeze(Object.values(profiles).flatMap(originsOf));

/**
 * Which requests the plugin acts on: those to the client's own base URL, to Binance's official origins (every
 * profile's, production and testnet), and to the origins the user lists, except COIN-M Futures' (`/dapi/`), an API
 * the core does not know. Every other request — a webhook, another API on the same client — passes the plugin
 * untouched: no key, no signature, no throttle, no error translation.
 */
export class OriginScope {
  readonly #origins: ReadonlySet<string>;
  /** The latest base URL string asked about, and its origin: a client asks with the same base every request. */
  #base: string | undefined;
  #baseOrigin: string | undefined;

  /** @param extra Origins (or URLs on them) to act on besides Binance's own, e.g. a proxy or a relay. */
  constructor(extra: readonly string[] = []) {
    this.#origins = new Set([...BINANCE_ORIGINS, ...extra.map((o) => originOf(o) ?? o)]);
  }

  /**
   * Whether the plugin acts on a request to `url`. `base` is the client's own base URL for the request (axios
   * `baseURL`, ky `prefix`/`baseUrl`, got `prefixUrl`), if it has one: requests on its origin are in scope. `path`
   * is the request's own path, when `url` is its base's and the client joins the two later (axios).
   */
  covers(url: string | URL, base?: string | URL | undefined, path?: string | undefined): boolean {
    const origin = originOf(url);
    if (origin === undefined) return false;
    if (isCoinM(typeof url === 'string' ? url : url.pathname) || (path !== undefined && isCoinM(path))) return false;
    if (this.#origins.has(origin)) return true;
    if (base === undefined || base === '') return false;
    // A URL object can change: only a string's origin is kept.
    if (typeof base !== 'string') return originOf(base) === origin;
    if (base !== this.#base) {
      this.#baseOrigin = originOf(base);
      this.#base = base;
    }
    return this.#baseOrigin === origin;
  }
}

/**
 * A COIN-M Futures path (`/dapi/…`, on dapi.binance.com and on the USDⓈ-M testnet, which serves both), in a URL or
 * a path relative to a base. Weighed, signed and typed as USDⓈ-M's or Spot's, such a request would be charged to the
 * wrong budget and sent unsigned.
 */
const COIN_M = /^(?:[^?#]*\/)?dapi\//;

/**
 * {@link COIN_M}'s test of the path of `url` (a host may be named `dapi`), after a search every request can afford
 * (the pattern backtracks over each `/`).
 */
function isCoinM(url: string): boolean {
  if (!url.includes('dapi/')) return false;
  const scheme = url.indexOf('://');
  if (scheme === -1) return COIN_M.test(url);
  const path = url.indexOf('/', scheme + 3);
  return path !== -1 && COIN_M.test(url.slice(path));
}

/** The origin of an http(s) URL, `undefined` for anything else; each distinct URL start is parsed once. */
export function originOf(url: string | URL): string | undefined {
  if (typeof url === 'string') {
    // Every request asks, and most go to one or two origins: a URL that starts with one of the latest starts
    // read, up to the end of its authority, has that start's origin. (Compared as a slice: V8 compiles `startsWith`
    // with a prefix it does not know in advance to a loop over both strings' characters, 1,000 instructions here.)
    for (const recent of recentStarts) {
      const n = recent.start.length;
      if (url.length >= n && endsAuthority(url, n) && url.slice(0, n) === recent.start) return recent.origin;
    }
    // Otherwise read the origin from the URL's start and parse each distinct start once.
    const start = PLAIN_START.exec(url)?.[0];
    if (start !== undefined) {
      let origin: string | undefined;
      if (startOrigins.has(start)) origin = startOrigins.get(start);
      else {
        if (startOrigins.size >= MAX_STARTS) startOrigins.clear();
        origin = parsedOrigin(start);
        startOrigins.set(start, origin);
      }
      recentStarts[nextRecent] = { start, origin };
      nextRecent = (nextRecent + 1) % RECENT_STARTS;
      return origin;
    }
  }
  return parsedOrigin(url);
}

/** Whether `url` ends its authority at `at`: the end, or a `/`, `?` or `#` (as {@link PLAIN_START} requires). */
function endsAuthority(url: string, at: number): boolean {
  if (at === url.length) return true;
  const c = url.charCodeAt(at);
  return c === 0x2f || c === 0x3f || c === 0x23;
}

/**
 * `http(s)://host[:port]` up to the end of the authority (`/`, `?`, `#` or the end), when the authority holds only
 * letters, digits, dots, hyphens and a port: nothing URL parsing would strip, decode or read as a delimiter, so
 * the whole URL's origin is the origin of this start alone. Any other URL is parsed whole.
 */
const PLAIN_START = /^https?:\/\/[a-z0-9.-]+(?::[0-9]{1,5})?(?=[/?#]|$)/i;
/** Bounds the cache of origins by URL start, should a caller send to ever new hosts. */
const MAX_STARTS = 256;
const startOrigins = new Map<string, string | undefined>();
/** How many of the latest starts {@link originOf} tries before it reads the start again. */
const RECENT_STARTS = 4;
const recentStarts: Array<{ start: string; origin: string | undefined }> = [];
let nextRecent = 0;

function parsedOrigin(url: string | URL): string | undefined {
  const parsed = url instanceof URL ? url : safeUrl(url);
  return parsed && /^https?:$/.test(parsed.protocol) ? parsed.origin : undefined;
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
