/** Parameters in any shape a caller holds them. `undefined` values are left out. */
export type ParamsInput =
  | URLSearchParams
  | Readonly<Record<string, string | number | boolean | undefined>>
  | ReadonlyArray<readonly [string, string]>;

/**
 * Percent-encodes parameters as `k=v&k=v`, in order, leaving only `[-_.~a-zA-Z0-9]` unencoded (space → `%20`,
 * UTF-8 for everything else). Binance verifies signatures over the percent-encoded bytes it receives and has
 * rejected signatures over unencoded text since 2026-01-15, so the exact string signed is the string sent.
 */
export function encodeParams(params: ParamsInput): string {
  const parts: string[] = [];
  for (const [key, value] of entries(params)) parts.push(`${encodeComponent(key)}=${encodeComponent(value)}`);
  return parts.join('&');
}

/** encodeURIComponent plus the five characters it leaves alone (`!'()*`). */
export function encodeComponent(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function entries(params: ParamsInput): Array<[string, string]> {
  if (params instanceof URLSearchParams) return [...params];
  if (Array.isArray(params)) return params.map(([k, v]) => [String(k), String(v)]);
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
    if (value !== undefined) out.push([key, String(value)]);
  }
  return out;
}
