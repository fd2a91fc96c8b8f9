import type { CatalogEntry, FilterEntry, ReasonEntry, StatusMessageEntry } from './types.ts';

/** What one Binance API's generated catalog module holds. */
export interface CatalogData {
  codes: readonly CatalogEntry[];
  reasons: readonly ReasonEntry[];
  filters: readonly FilterEntry[];
  statusMessages?: readonly StatusMessageEntry[] | undefined;
  /** The code a bare "Filter failure: X" message stands for (Spot: -1013). */
  filterCode?: number | undefined;
  /** The code a bare matching-engine rejection message stands for (Spot: -2010). */
  reasonCode?: number | undefined;
}

// Messages vary slightly between docs and servers (a trailing period, case), so lookups also try a folded form.
const fold = (text: string) => text.trim().replace(/\.$/, '').toLowerCase();
const FILTER_FAILURE = /^Filter failure: ([A-Z_]+)/;

/**
 * One Binance API's error catalog with its lookups: codes, server messages (exact and by template),
 * matching-engine reasons, symbol filters and status-dependent messages.
 *
 * @example
 * ```ts
 * usdm.catalog.lookupCode(-2019)?.category; // 'order-rejected'
 * ```
 */
export class ErrorCatalog {
  /** Every code, in code order. */
  readonly codes: readonly CatalogEntry[];
  /** Every matching-engine rejection reason. */
  readonly reasons: readonly ReasonEntry[];
  /** Every symbol filter whose failure is reported by message. */
  readonly filters: readonly FilterEntry[];
  /** Messages whose meaning depends on the HTTP status they come with. */
  readonly statusMessages: readonly StatusMessageEntry[];
  readonly #byCode: Map<number, CatalogEntry>;
  readonly #byMessage = new Map<string, CatalogEntry>();
  readonly #byPattern: { entry: CatalogEntry; regex: RegExp }[];
  readonly #reasonByMessage: Map<string, ReasonEntry>;
  readonly #filterByName: Map<string, FilterEntry>;
  readonly #filterCode: number | undefined;
  readonly #reasonCode: number | undefined;

  constructor(data: CatalogData) {
    this.codes = data.codes;
    this.reasons = data.reasons;
    this.filters = data.filters;
    this.statusMessages = data.statusMessages ?? [];
    this.#filterCode = data.filterCode;
    this.#reasonCode = data.reasonCode;
    this.#byCode = new Map(data.codes.map((e) => [e.code, e]));
    for (const entry of data.codes) {
      for (const m of [...entry.messages, ...entry.exampleMessages]) this.#byMessage.set(fold(m), entry);
    }
    this.#byPattern = data.codes.flatMap((entry) => entry.patterns.map((p) => ({ entry, regex: new RegExp(p) })));
    this.#reasonByMessage = new Map(data.reasons.map((r) => [fold(r.message), r]));
    this.#filterByName = new Map(data.filters.map((f) => [f.filter, f]));
  }

  /** The entry for a Binance code (e.g. `-1021`), or `undefined` for codes this API does not document. */
  lookupCode(code: number): CatalogEntry | undefined {
    return this.#byCode.get(code);
  }

  /** The entry whose server message matches `msg` (exactly, then by template), or `undefined`. */
  lookupMessage(msg: string): CatalogEntry | undefined {
    const exact = this.#byMessage.get(fold(msg));
    if (exact) return exact;
    if (this.#filterCode !== undefined && msg.startsWith('Filter failure:')) return this.#byCode.get(this.#filterCode);
    if (this.#reasonCode !== undefined && this.#reasonByMessage.has(fold(msg)))
      return this.#byCode.get(this.#reasonCode);
    for (const { entry, regex } of this.#byPattern) if (regex.test(msg)) return entry;
    return undefined;
  }

  /** The matching-engine reason for a rejection message, e.g. `'INSUFFICIENT_BALANCE'`. */
  lookupReason(msg: string): ReasonEntry | undefined {
    return this.#reasonByMessage.get(fold(msg));
  }

  /** The filter named by a "Filter failure: X" message, known or not. */
  lookupFilter(msg: string): { filter: string; entry: FilterEntry | undefined } | undefined {
    const match = FILTER_FAILURE.exec(msg);
    if (!match?.[1]) return undefined;
    return { filter: match[1], entry: this.#filterByName.get(match[1]) };
  }

  /**
   * The meaning of `msg` when it comes with `status`, where this API gives the pair one of its own
   * (USDⓈ-M Futures' three 503 texts), or `undefined`.
   */
  lookupStatusMessage(status: number | undefined, msg: string): StatusMessageEntry | undefined {
    if (status === undefined) return undefined;
    const folded = fold(msg);
    return this.statusMessages.find((s) => s.status === status && fold(s.message) === folded);
  }
}
