/** Settings of the bench scripts from the environment: a bad value stops the script with a line naming it. */

/** Exits with `message` on stderr: a bad setting is named, not run with. */
export function refuse(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** A switch from `process.env[name]`: on for `1`, off for `0`, empty or unset; anything else is refused. */
export function flagFromEnv(name: string): boolean {
  const raw = process.env[name] ?? '';
  if (raw !== '' && raw !== '0' && raw !== '1') refuse(`${name} must be 1 (or 0), got ${JSON.stringify(raw)}`);
  return raw === '1';
}

/** A positive whole number from `process.env[name]`, or `fallback` when it is unset or empty. */
export function positiveFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) refuse(`${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * A comma-separated list of numbers from `process.env[name]`, or from `fallback` when it is unset or empty; each must
 * pass `valid`, and `what` says what was expected.
 */
export function listFromEnv(name: string, fallback: string, valid: (n: number) => boolean, what: string): number[] {
  const text = process.env[name] || fallback;
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.some((s, i) => s === '' || !valid(values[i]!)))
    refuse(`${name} must be ${what}, got ${JSON.stringify(text)}`);
  return values;
}

/** A comma-separated list of names from `process.env[name]`, each one of `allowed`; all of them when unset or empty. */
export function namesFromEnv<T extends string>(name: string, allowed: readonly T[]): T[] {
  const raw = process.env[name] || allowed.join(',');
  const names = raw.split(',').map((s) => s.trim());
  if (names.some((n) => !(allowed as readonly string[]).includes(n)))
    refuse(`${name} must name some of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  return names as T[];
}
