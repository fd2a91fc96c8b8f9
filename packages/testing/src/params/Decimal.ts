import { ApiError } from '../http/ApiError.ts';
import { illegalChars, tooMuchPrecision } from '../http/messages.ts';

// Binance keeps 8 decimals for prices, quantities and balances. Fixed-point bigints in units of 1e-8 make
// filter checks (multiples of tickSize/stepSize) and balance arithmetic exact, which floats cannot.

/** Units per 1 in the fixed-point representation. */
export const SCALE = 100_000_000n;
const DECIMALS = 8;
const DECIMAL_RE = /^([0-9]{1,20})(?:\.([0-9]{1,20}))?$/;
const LEGAL_DECIMAL = '^([0-9]{1,20})(\\.[0-9]{1,20})?$';

/** Parses a non-negative decimal string to 1e-8 units, or `undefined` when it is not one. */
export function toUnits(text: string): bigint | undefined {
  const m = DECIMAL_RE.exec(text);
  if (!m) return undefined;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > DECIMALS) return undefined;
  return BigInt(m[1]!) * SCALE + BigInt(frac.padEnd(DECIMALS, '0') || '0');
}

/** Parses a request parameter the way the exchange does: -1100 for bad characters, -1111 for > 8 decimals. */
export function parseDecimalParam(name: string, text: string): bigint {
  const m = DECIMAL_RE.exec(text);
  if (!m) throw ApiError.bad(-1100, illegalChars(name, LEGAL_DECIMAL));
  const units = toUnits(text);
  if (units === undefined) throw ApiError.bad(-1111, tooMuchPrecision(name));
  return units;
}

/** Formats 1e-8 units with the exchange's 8 decimals, e.g. `100000000n` → `'1.00000000'`. */
export function formatUnits(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const int = abs / SCALE;
  const frac = (abs % SCALE).toString().padStart(DECIMALS, '0');
  return `${negative ? '-' : ''}${int}.${frac}`;
}

/** price × quantity in 1e-8 units, rounded down as the exchange rounds notional values. */
export function mulUnits(a: bigint, b: bigint): bigint {
  return (a * b) / SCALE;
}

/** a ÷ b in 1e-8 units, rounded down. */
export function divUnits(a: bigint, b: bigint): bigint {
  return (a * SCALE) / b;
}
