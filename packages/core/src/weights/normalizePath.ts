/**
 * Reduces whatever a client calls a URL — a full URL, a path with a proxy prefix, a path with a query string —
 * to the `/api/v3/...` pathname the endpoint table is keyed by. The query string and fragment are dropped, as is
 * a trailing slash. A path without `/api/` is returned with a leading slash and otherwise untouched.
 *
 * @example
 * ```ts
 * normalizePath('https://api.binance.com/api/v3/depth?symbol=BTCUSDT'); // '/api/v3/depth'
 * normalizePath('/binance-proxy/api/v3/ticker/price');                   // '/api/v3/ticker/price'
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
  const api = path.indexOf('/api/');
  if (api > 0) path = path.slice(api);
  else if (api === -1 && path.startsWith('api/')) path = `/${path}`;
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

function queryStart(path: string): number {
  const q = path.indexOf('?');
  const hash = path.indexOf('#');
  if (q === -1) return hash;
  return hash === -1 ? q : Math.min(q, hash);
}
