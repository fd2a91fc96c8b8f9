import { headerValue } from '../common/headerValue.ts';

/**
 * Reads a usage header (`X-MBX-USED-WEIGHT-1M`, …) as a non-negative integer; `undefined` when absent or not a
 * number. `lower` is the lower-case name, `canonical` the spelling Binance sends.
 */
export function headerCount(headers: unknown, lower: string, canonical: string): number | undefined {
  let value = headerValue(headers, lower, canonical);
  if (Array.isArray(value)) value = value[value.length - 1];
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}
