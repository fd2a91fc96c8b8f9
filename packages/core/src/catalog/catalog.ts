import { CODES, FILTERS, REASONS, SOURCE } from './catalog.generated.ts';
import type { CatalogEntry, CatalogSource, FilterEntry, ReasonEntry } from './types.ts';

// Messages vary slightly between docs and servers (a trailing period, case), so lookups also try a folded form.
const fold = (text: string) => text.trim().replace(/\.$/, '').toLowerCase();

const byCode = new Map<number, CatalogEntry>(CODES.map((e) => [e.code, e]));
const byMessage = new Map<string, CatalogEntry>();
for (const entry of CODES) for (const m of [...entry.messages, ...entry.exampleMessages]) byMessage.set(fold(m), entry);
const byPattern = CODES.flatMap((entry) => entry.patterns.map((p) => ({ entry, regex: new RegExp(p) })));
const reasonByMessage = new Map<string, ReasonEntry>(REASONS.map((r) => [fold(r.message), r]));
const filterByName = new Map<string, FilterEntry>(FILTERS.map((f) => [f.filter, f]));
const FILTER_FAILURE = /^Filter failure: ([A-Z_]+)/;

/** Every Binance Spot error code the catalog knows, in code order. */
export const catalog: readonly CatalogEntry[] = CODES;
/** Every matching-engine rejection reason. */
export const reasons: readonly ReasonEntry[] = REASONS;
/** The Binance docs commit the catalog was built from (`binance/binance-spot-api-docs`), with hashes of its data. */
export const catalogSource: CatalogSource = SOURCE;
/** Every symbol filter whose failure Binance reports as -1013. */
export const filters: readonly FilterEntry[] = FILTERS;

/** The catalog entry for a Binance code (e.g. `-1021`), or `undefined` for codes it does not know. */
export function lookupCode(code: number): CatalogEntry | undefined {
  return byCode.get(code);
}

/** The catalog entry whose server message matches `msg` (exactly, then by template), or `undefined`. */
export function lookupMessage(msg: string): CatalogEntry | undefined {
  const exact = byMessage.get(fold(msg));
  if (exact) return exact;
  if (msg.startsWith('Filter failure:')) return byCode.get(-1013);
  if (reasonByMessage.has(fold(msg))) return byCode.get(-2010);
  for (const { entry, regex } of byPattern) if (regex.test(msg)) return entry;
  return undefined;
}

/** The matching-engine reason for a rejection message, e.g. `'INSUFFICIENT_BALANCE'`. */
export function lookupReason(msg: string): ReasonEntry | undefined {
  return reasonByMessage.get(fold(msg));
}

/** The filter named by a "Filter failure: X" message, known or not. */
export function lookupFilter(msg: string): { filter: string; entry: FilterEntry | undefined } | undefined {
  const match = FILTER_FAILURE.exec(msg);
  if (!match?.[1]) return undefined;
  return { filter: match[1], entry: filterByName.get(match[1]) };
}
