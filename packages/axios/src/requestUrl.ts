import type { Axios, AxiosRequestConfig } from 'axios';

/** What of a config decides where axios sends it. */
export type UrlConfig = Pick<
  AxiosRequestConfig,
  'baseURL' | 'url' | 'params' | 'paramsSerializer' | 'allowAbsoluteUrls'
>;

/** The URL a config is sent to before its `params`: axios' `buildFullPath`. */
export function fullPath({ baseURL, url = '', allowAbsoluteUrls }: UrlConfig): string {
  if (!baseURL || (allowAbsoluteUrls !== false && ABSOLUTE_URL.test(url))) return url;
  return url ? `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}` : baseURL;
}

/**
 * A URL on the origin of {@link fullPath}'s, found without joining the two: a relative `url` joined to a `baseURL`
 * that starts `http(s)://host[:port]` (up to a `/`, `?`, `#` or its end) keeps that authority, as the join puts a
 * `/` after the base. The interceptor asks this of every request; the join is left to the adapter.
 */
export function originUrl(config: UrlConfig): string {
  const { baseURL, url = '', allowAbsoluteUrls } = config;
  if (!baseURL || (allowAbsoluteUrls !== false && ABSOLUTE_URL.test(url))) return url;
  return PLAIN_BASE.test(baseURL) ? baseURL : fullPath(config);
}

const PLAIN_BASE = /^https?:\/\/[a-z0-9.-]+(?::[0-9]{1,5})?(?=[/?#]|$)/i;

/** What axios takes for an absolute URL (its `isAbsoluteURL`): a scheme and `//`, or `//` alone. */
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/**
 * The URL axios sends a config to, `params` included: `getUri`'s result. The common case — an http(s) URL and flat
 * parameters that no encoding changes, serialized the default way — is built here: `getUri` merges the config
 * again first, which costs more than the rest of the adapter's work.
 */
export function requestUrl(urlBuilder: Axios, config: UrlConfig): string {
  const url = fullPath(config);
  const query = config.paramsSerializer === undefined ? plainQuery(config.params) : undefined;
  if (query !== undefined && HTTP_URL.test(url)) {
    if (query === '') return url;
    const bare = url.split('#', 1)[0]!;
    return `${bare}${bare.includes('?') ? '&' : '?'}${query}`;
  }
  const { baseURL = '', url: path = '', params, paramsSerializer, allowAbsoluteUrls } = config;
  return urlBuilder.getUri({
    baseURL,
    url: path,
    params,
    ...(paramsSerializer && { paramsSerializer }),
    ...(allowAbsoluteUrls !== undefined && { allowAbsoluteUrls }),
  });
}

const HTTP_URL = /^https?:\/\/[^/?#\\]/i;

/**
 * `params` as axios serializes them by default, when that is plain to see: none, or a plain object of strings,
 * numbers and booleans of characters no encoding changes (null and undefined left out, as axios does). Anything
 * else is `undefined`, and axios builds the URL.
 */
function plainQuery(params: unknown): string | undefined {
  if (params === undefined || params === null) return '';
  if (typeof params !== 'object') return undefined;
  const proto = Object.getPrototypeOf(params);
  if (proto !== Object.prototype && proto !== null) return undefined;
  let query = '';
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    const text = String(value);
    if (key === '' || !UNENCODED.test(key) || !UNENCODED.test(text)) return undefined;
    query += query === '' ? `${key}=${text}` : `&${key}=${text}`;
  }
  return query;
}

/** Characters every URL encoding leaves as they are (and a key without spaces, which axios would trim). */
const UNENCODED = /^[\w.~-]*$/;
