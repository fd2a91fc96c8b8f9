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
      this.#parsed ??= new URLSearchParams(source.startsWith('?') ? source.slice(1) : source);
      return this.#parsed.get(name) ?? undefined;
    }
    if (source instanceof URLSearchParams) return source.get(name) ?? undefined;
    return Object.hasOwn(source, name) ? (source as Record<string, unknown>)[name] : undefined;
  }
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
