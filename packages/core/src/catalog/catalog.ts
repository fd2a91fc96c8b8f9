import { CODES, FILTERS, REASONS, SOURCE } from './catalog.generated.ts';
import { ErrorCatalog } from './ErrorCatalog.ts';
import type { CatalogEntry, CatalogSource, FilterEntry, ReasonEntry } from './types.ts';

/** The Binance Spot catalog: what {@link lookupCode} and its siblings read, and the `spot` profile's catalog. */
export const spotCatalog: ErrorCatalog = new ErrorCatalog({
  codes: CODES,
  reasons: REASONS,
  filters: FILTERS,
  filterCode: -1013,
  reasonCode: -2010,
});

/** Every Binance Spot error code the catalog knows, in code order. */
export const catalog: readonly CatalogEntry[] = spotCatalog.codes;
/** Every matching-engine rejection reason. */
export const reasons: readonly ReasonEntry[] = spotCatalog.reasons;
/** The Binance docs commit the catalog was built from (`binance/binance-spot-api-docs`), with hashes of its data. */
export const catalogSource: CatalogSource = SOURCE;
/** Every symbol filter whose failure Binance reports as -1013. */
export const filters: readonly FilterEntry[] = spotCatalog.filters;

/** The Spot catalog entry for a Binance code (e.g. `-1021`), or `undefined` for codes it does not know. */
export function lookupCode(code: number): CatalogEntry | undefined {
  return spotCatalog.lookupCode(code);
}

/** The Spot catalog entry whose server message matches `msg` (exactly, then by template), or `undefined`. */
export function lookupMessage(msg: string): CatalogEntry | undefined {
  return spotCatalog.lookupMessage(msg);
}

/** The matching-engine reason for a rejection message, e.g. `'INSUFFICIENT_BALANCE'`. */
export function lookupReason(msg: string): ReasonEntry | undefined {
  return spotCatalog.lookupReason(msg);
}

/** The filter named by a "Filter failure: X" message, known or not. */
export function lookupFilter(msg: string): { filter: string; entry: FilterEntry | undefined } | undefined {
  return spotCatalog.lookupFilter(msg);
}
