/**
 * A value as an error message may show it: strings quoted, numbers as written, and objects, arrays and functions
 * by kind only, so an option holding a secret never puts it in a message.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}
