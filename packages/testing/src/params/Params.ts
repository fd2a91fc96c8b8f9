/** Merged request parameters: a null-prototype record so names like `__proto__` or `constructor` stay plain keys. */
export type Params = Record<string, string>;

/** A fresh empty {@link Params}. */
export function emptyParams(): Params {
  return Object.create(null) as Params;
}

/** Whether a parameter counts as sent: present, non-empty, and not the literal `false`. */
export function isSent(params: Params, name: string): boolean {
  const v = params[name];
  return v !== undefined && v !== '' && v !== 'false';
}

/** Number of entries in a `symbols=["A","B"]` style JSON array parameter (0 when absent, best effort when malformed). */
export function countListItems(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed)) return parsed.length;
  } catch {
    // Not JSON: fall through to a comma count, so a malformed list still costs what its size suggests.
  }
  return value.split(',').length;
}
