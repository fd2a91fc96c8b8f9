import { queryOf } from './normalizePath.ts';

/** Request parameters in any of the shapes clients hold them: a query string (with or without `?`), a record, URLSearchParams. */
export type RequestParams = URLSearchParams | Readonly<Record<string, unknown>> | string | undefined;

/**
 * Reads one request's parameters lazily, whatever shape the client holds them in: a query string is parsed only
 * when a parameter is asked for. Parameters in the URL's query string count unless `source` gives the same name.
 */
export class ParamReader {
  readonly #source: RequestParams;
  readonly #url: string | URL;
  #parsed: URLSearchParams | undefined;
  #fromPath: URLSearchParams | undefined | null = null;

  constructor(source: RequestParams, url: string | URL = '') {
    this.#source = source;
    this.#url = url;
  }

  /** The raw value, or `undefined` when absent. */
  get(name: string): unknown {
    const own = this.#own(name);
    if (own !== undefined) return own;
    if (this.#fromPath === null) {
      const query = queryOf(this.#url);
      this.#fromPath = query === undefined ? undefined : new URLSearchParams(query);
    }
    return this.#fromPath?.get(name) ?? undefined;
  }

  /**
   * Present means sent with a value. An empty value, and `false` — how a boolean flag such as
   * `computeCommissionRates` is switched off — count as absent.
   */
  has(name: string): boolean {
    const value = this.get(name);
    return value !== undefined && value !== null && value !== '' && value !== false && value !== 'false';
  }

  number(name: string): number | undefined {
    const value = this.get(name);
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '') return Number(value);
    return undefined;
  }

  /** Items in a list parameter: an array, a JSON array string `["A","B"]`, or comma-separated text. At least 1. */
  count(name: string): number {
    const value = this.get(name);
    let n = 1;
    if (Array.isArray(value)) n = value.length;
    else if (typeof value === 'string') n = countItems(value);
    return Math.max(1, n);
  }

  #own(name: string): unknown {
    const source = this.#source;
    if (source === undefined || source === null) return undefined;
    if (typeof source === 'string') {
      // Without `%` or `+` nothing is decoded: the pair is found in the text itself, with nothing parsed.
      if (this.#parsed === undefined && !ENCODED.test(source)) {
        return plainParam(source.startsWith('?') ? source.slice(1) : source, name);
      }
      // URLSearchParams drops one leading `?` itself.
      this.#parsed ??= new URLSearchParams(source);
      return this.#parsed.get(name) ?? undefined;
    }
    if (source instanceof URLSearchParams) return source.get(name) ?? undefined;
    return Object.hasOwn(source, name) ? (source as Record<string, unknown>)[name] : undefined;
  }
}

/** A query string that URLSearchParams would decode something in. */
const ENCODED = /[%+]/;

/** The value of the first `name` pair in a query string with nothing encoded, as URLSearchParams reads it. */
function plainParam(query: string, name: string): string | undefined {
  for (let start = 0; start < query.length; ) {
    let end = query.indexOf('&', start);
    if (end === -1) end = query.length;
    const eq = query.indexOf('=', start);
    const keyEnd = eq === -1 || eq > end ? end : eq;
    // An empty pair (`&&`) is no parameter, not one named ''.
    if (end > start && keyEnd - start === name.length && query.startsWith(name, start)) {
      return keyEnd === end ? '' : query.slice(keyEnd + 1, end);
    }
    start = end + 1;
  }
  return undefined;
}

function countItems(text: string): number {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.length;
    } catch {
      // Not valid JSON (e.g. unquoted names): fall back to counting the comma-separated items.
    }
  }
  let n = 0;
  for (const item of trimmed.replace(/^\[|\]$/g, '').split(',')) if (item.replace(/["'\s]/g, '') !== '') n++;
  return n;
}
