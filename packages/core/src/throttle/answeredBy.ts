import { headerValue } from '../common/headerValue.ts';

/**
 * The latest server time (ms) a request can have arrived by, read from its response's `Date` header: the server
 * stamps the second it answers in, after it counted the request, so the request arrived before that second ended.
 * `undefined` when the header is absent or not a date. Binance's windows start on whole seconds, so an answer dated
 * before a window's start places its request before it.
 *
 * @example answeredBy({ date: 'Mon, 07 Dec 2026 23:59:59 GMT' }) // Date.UTC(2026, 11, 7, 23, 59, 59, 999)
 */
export function answeredBy(headers: unknown): number | undefined {
  let value = headerValue(headers, 'date', 'Date');
  if (Array.isArray(value)) value = value[value.length - 1];
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms + 999 : undefined;
}
