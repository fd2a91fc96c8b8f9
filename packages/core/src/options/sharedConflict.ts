/** Where two option sets disagree: the dotted path and both values, printed. */
export interface OptionConflict {
  path: string;
  given: string;
  existing: string;
}

/**
 * The first option `given` sets to something other than what `existing` has (a value left out there counts as
 * the default, so setting it differs). Options `given` leaves out never conflict. Functions, stores and other
 * objects with a prototype of their own compare by identity; plain objects and arrays by content.
 */
export function sharedConflict(existing: unknown, given: unknown, path = ''): OptionConflict | undefined {
  if (given === undefined || sameValue(existing, given)) return undefined;
  if (isPlain(given) && (existing === undefined || isPlain(existing))) {
    for (const key of Object.keys(given)) {
      const value = (given as Record<string, unknown>)[key];
      const before = existing === undefined ? undefined : (existing as Record<string, unknown>)[key];
      const conflict = sharedConflict(before, value, path ? `${path}.${key}` : key);
      if (conflict) return conflict;
    }
    return undefined;
  }
  return { path, given: print(given), existing: existing === undefined ? 'the default' : print(existing) };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sharedConflict(item, b[i]) === undefined);
  }
  return false;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function print(value: unknown): string {
  if (typeof value === 'function') return 'a different function';
  if (Array.isArray(value)) return 'a different array';
  if (value !== null && typeof value === 'object') return 'a different object';
  return JSON.stringify(value) ?? String(value);
}
