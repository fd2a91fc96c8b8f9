import type { BinanceErrorCategory, Executed } from '../errors/types.ts';

/**
 * Whether the same request may be sent again:
 * `'yes'` after `retryAfterMs`; `'idempotent'` only for reads (GET/HEAD), because a write may have executed; `'no'`.
 */
export type Retryability = 'yes' | 'no' | 'idempotent';

/** One Binance error code as the catalog knows it. */
export interface CatalogEntry {
  code: number;
  /** Binance's NAME token, e.g. `'INVALID_TIMESTAMP'`. */
  name: string;
  /** `true` where Binance gives no NAME token (-2021, -2022) and the name is ours. */
  unofficialName?: boolean;
  /** The server's message texts, with `%s`-style placeholders where they vary. */
  messages: readonly string[];
  /** Concrete messages seen in Binance's docs. */
  exampleMessages: readonly string[];
  /** Regex sources for the messages that contain placeholders. */
  patterns: readonly string[];
  category: BinanceErrorCategory;
  retryable: Retryability;
  executed: Executed;
  /** The HTTP status Binance documents for this code, where it does. */
  http?: number;
  /** The symbol filter this code reports without naming it in its message (USDⓈ-M Futures, e.g. `'LOT_SIZE'`). */
  filter?: string;
  /** What to do about it, in one line. */
  hint: string;
  /** The path segment of its documentation page under `errors/`. */
  slug: string;
}

/** A matching-engine rejection message (used with -1010, -2010, -2011, -2038). */
export interface ReasonEntry {
  message: string;
  codes: readonly number[];
  /** Normalised reason, e.g. `'INSUFFICIENT_BALANCE'`. */
  reason: string;
  hint: string;
  slug: string;
}

/** A "Filter failure: X" message (used with -1013). */
export interface FilterEntry {
  filter: string;
  message: string;
  codes: readonly number[];
  hint: string;
  slug: string;
}

/**
 * A message whose meaning depends on the HTTP status it comes with rather than on a code: USDⓈ-M Futures answers
 * 503 with three texts that say different things about whether the request ran.
 */
export interface StatusMessageEntry {
  status: number;
  message: string;
  category: BinanceErrorCategory;
  retryable: Retryability;
  executed: Executed;
  hint: string;
}

/** Which Binance documentation the catalog was built from. */
export interface CatalogSource {
  /** The GitHub repository of Binance's docs, e.g. `binance/binance-spot-api-docs`. */
  repository: string;
  /** The docs commit the data was taken from. */
  commit: string;
  /** The date of that commit, `YYYY-MM-DD`. */
  date: string;
  /** The files of that repository the data comes from. */
  files: readonly string[];
  note: string;
  /** SHA-256 of the data files the catalog was generated from. */
  sha256: Readonly<Record<string, string>>;
}
