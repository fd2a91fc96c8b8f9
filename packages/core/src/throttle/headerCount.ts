/**
 * Reads a usage header (`X-MBX-USED-WEIGHT-1M`, …) as a non-negative integer; `undefined` when absent or not a
 * number. `lower` is the lower-case name, `canonical` the spelling Binance sends.
 */
export function headerCount(headers: unknown, lower: string, canonical: string): number | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  let value: unknown;
  try {
    if (typeof (headers as { get?: unknown }).get === 'function') {
      value = (headers as { get(name: string): unknown }).get(lower);
    }
    if (value === undefined || value === null) {
      const record = headers as Record<string, unknown>;
      value = record[lower] ?? record[canonical];
      if (value === undefined) {
        // Plain records from some clients keep the server's casing; a scan is the last resort, not the norm.
        for (const key of Object.keys(record)) {
          if (key.length === lower.length && key.toLowerCase() === lower) {
            value = record[key];
            break;
          }
        }
      }
    }
  } catch {
    // A hostile header object (throwing getter or proxy) reports nothing rather than breaking the response.
    return undefined;
  }
  if (Array.isArray(value)) value = value[value.length - 1];
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}
