/**
 * The paths Binance's REST APIs start with, as the profiles' budgets name them: Spot's `/api/` and `/sapi/`,
 * USDⓈ-M Futures' `/fapi/` and `/futures/data/`. A profile with another must add it here (its test says so).
 */
const API_ROOTS = ['/api/', '/sapi/', '/fapi/', '/futures/data/'];

/**
 * Reduces whatever a client calls a URL — a full URL, a path with a proxy prefix, a path with a query string —
 * to the `/api/v3/...` or `/fapi/v1/...` pathname the endpoint tables are keyed by. Whatever comes before the last
 * API root (`/api/`, `/sapi/`, `/fapi/`, `/futures/data/`) is a gateway's prefix and is dropped, as are the query
 * string, the fragment and a trailing slash. A path without an API root is returned with a leading slash and
 * otherwise untouched.
 *
 * @example
 * ```ts
 * normalizePath('https://api.binance.com/api/v3/depth?symbol=BTCUSDT'); // '/api/v3/depth'
 * normalizePath('/binance-proxy/api/v3/ticker/price');                   // '/api/v3/ticker/price'
 * normalizePath('/binance-futures/fapi/v1/order');                       // '/fapi/v1/order'
 * ```
 */
export function normalizePath(url: string | URL): string {
  let path = typeof url === 'string' ? url : url.pathname;
  const end = queryStart(path);
  if (end !== -1) path = path.slice(0, end);
  const scheme = path.indexOf('://');
  if (scheme !== -1) {
    const slash = path.indexOf('/', scheme + 3);
    path = slash === -1 ? '/' : path.slice(slash);
  }
  const root = lastRoot(path);
  if (root > 0) path = path.slice(root);
  else if (!path.startsWith('/')) path = `/${path}`;
  // `/api/v3/depth/` names the same endpoint; the server ignores the slash.
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

/** The query string of a URL or path, without `?`, or `undefined` when there is none. */
export function queryOf(url: string | URL): string | undefined {
  if (typeof url !== 'string') return url.search === '' ? undefined : url.search.slice(1);
  const q = url.indexOf('?');
  if (q === -1) return undefined;
  const hash = url.indexOf('#', q);
  return hash === -1 ? url.slice(q + 1) : url.slice(q + 1, hash);
}

/**
 * Where the endpoint path starts in `path`: at the last API root, or -1. The last, because a gateway's own prefix
 * may hold a root's name (`/api/binance-futures/fapi/v1/order`), and no Binance endpoint holds a second one.
 */
function lastRoot(path: string): number {
  let at = -1;
  for (const root of API_ROOTS) at = Math.max(at, path.lastIndexOf(root));
  return at;
}

function queryStart(path: string): number {
  const q = path.indexOf('?');
  const hash = path.indexOf('#');
  if (q === -1) return hash;
  return hash === -1 ? q : Math.min(q, hash);
}
