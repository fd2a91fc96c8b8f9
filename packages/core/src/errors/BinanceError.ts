import { redactDeep, redactText, type SanitizedCause, sanitizeCause } from './redact.ts';
import type {
  BinanceErrorCategory,
  BinanceErrorResponse,
  Executed,
  RateLimit,
  RateLimitUsage,
  RedactedRequest,
} from './types.ts';

/** Marks every BinanceError, whichever copy of this package created it. */
const MARKER = Symbol.for('@binance-errors/core:BinanceError');

/** Where the error reference lives; `docsUrl` is built from it. */
export const DEFAULT_DOCS_BASE_URL = 'https://binance-errors.github.io/binance-errors/';

/** Everything a {@link BinanceError} can be built from. Only `message` is required. */
export interface BinanceErrorOptions {
  /** The human sentence: what failed, on which method and path, with the relevant numbers. */
  message: string;
  /** Binance error code (negative), when the exchange sent one. */
  code?: number | undefined;
  /** The exchange's own text, when it sent one. */
  msg?: string | undefined;
  /** HTTP status (or the WebSocket API frame's `status`). */
  status?: number | undefined;
  /** Whether sending the same request again (after `retryAfterMs`) is safe. */
  retryable?: boolean | undefined;
  executed?: Executed | undefined;
  /**
   * `false` when the plugin refused the request before sending it (a known ban, a 429 pause, a throttle wait over
   * `maxWaitMs`, an open breaker): nothing left the process, and `response` is the answer Binance gives in that
   * state, built locally. Left out when the request may have been sent.
   */
  sent?: false | undefined;
  /** How long to wait before a retry can succeed, in ms. */
  retryAfterMs?: number | undefined;
  bannedUntil?: Date | undefined;
  /** The symbol filter that rejected an order, e.g. `'LOT_SIZE'`. */
  filter?: string | undefined;
  /** The normalised matching-engine reason, e.g. `'INSUFFICIENT_BALANCE'`. */
  reason?: string | undefined;
  /** The limit named in a -1003/-1015 message. */
  rateLimit?: RateLimit | undefined;
  /** Usage reported by a WebSocket API frame. */
  rateLimits?: RateLimitUsage[] | undefined;
  /** The `data` object of a cancel-replace response (409 -2021 / 400 -2022). */
  data?: unknown;
  hint?: string | undefined;
  docsUrl?: string | undefined;
  request?: RedactedRequest | undefined;
  response?: BinanceErrorResponse | undefined;
  /** The original error; it is sanitised before it is stored. */
  cause?: unknown;
  /** Exact secret values (keys, secrets) to scrub from the cause and the message. Never stored. */
  secrets?: readonly string[] | undefined;
}

/**
 * The base of every error this library throws. Subclasses narrow `category`; `isBinanceError()` and `instanceof`
 * recognise errors from any copy of the package.
 *
 * Nothing on it holds a secret: `request.url` has `signature`/`apiKey` removed and `cause` is a sanitised copy.
 *
 * @example
 * ```ts
 * try { await client.post('/api/v3/order', …) } catch (e) {
 *   if (isBinanceError(e, 'filter')) console.log(e.filter);            // 'LOT_SIZE'
 *   else if (isBinanceError(e) && e.executed === 'unknown') await reconcile();
 * }
 * ```
 */
export class BinanceError extends Error {
  /** Categories this class stands for; `instanceof` across package copies uses it. `undefined` = any. */
  static readonly categories: readonly BinanceErrorCategory[] | undefined = undefined;
  /** Field values a class uses when the options leave them out. */
  static readonly defaults: ErrorDefaults = {
    category: 'unknown',
    retryable: false,
    executed: 'unknown',
    hint: 'The failure was not recognised; inspect `cause` and query the order before sending it again.',
  };

  override name = 'BinanceError';
  readonly category: BinanceErrorCategory;
  readonly code: number | undefined;
  readonly msg: string | undefined;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly executed: Executed;
  /** `false`: refused before sending, nothing left the process (`response` is Binance's answer in that state, built locally). */
  declare readonly sent?: false;
  declare readonly retryAfterMs?: number;
  declare readonly bannedUntil?: Date;
  declare readonly filter?: string;
  declare readonly reason?: string;
  declare readonly rateLimit?: RateLimit;
  declare readonly rateLimits?: RateLimitUsage[];
  declare readonly data?: unknown;
  readonly hint: string;
  readonly docsUrl: string;
  readonly request: RedactedRequest | undefined;
  declare readonly response?: BinanceErrorResponse;
  declare readonly cause: SanitizedCause | string | undefined;

  constructor(options: BinanceErrorOptions) {
    const defaults = (new.target as typeof BinanceError).defaults;
    const secrets = options.secrets ?? [];
    super(redactText(options.message, secrets));
    this.category = defaults.category;
    this.code = options.code;
    // What the server said may echo the request: its key or signature never survive in any view of the error.
    this.msg = options.msg === undefined ? undefined : redactText(options.msg, secrets);
    this.status = options.status;
    this.retryable = options.retryable ?? defaults.retryable;
    this.executed = options.executed ?? defaults.executed;
    if (options.sent === false) this.sent = false;
    // Numbers from the wire are checked where they are read; these guards keep a hand-built error serialisable too.
    const retryAfterMs = options.retryAfterMs;
    if (typeof retryAfterMs === 'number' && !Number.isNaN(retryAfterMs)) {
      this.retryAfterMs = Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, retryAfterMs));
    }
    if (options.bannedUntil instanceof Date && !Number.isNaN(options.bannedUntil.getTime())) {
      this.bannedUntil = options.bannedUntil;
    }
    if (options.filter !== undefined) this.filter = options.filter;
    if (options.reason !== undefined) this.reason = options.reason;
    if (options.rateLimit !== undefined) this.rateLimit = options.rateLimit;
    if (options.rateLimits !== undefined) this.rateLimits = options.rateLimits;
    if (options.data !== undefined) this.data = redactDeep(options.data, secrets);
    this.hint = options.hint ?? defaults.hint;
    this.docsUrl = options.docsUrl ?? `${DEFAULT_DOCS_BASE_URL}errors/categories/${defaults.category}`;
    this.request = options.request;
    if (options.response !== undefined) this.response = redactDeep(options.response, secrets);
    // Own, non-enumerable, sanitised: util.inspect and JSON both see only the safe copy.
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', {
        value: sanitizeCause(options.cause, secrets),
        enumerable: false,
        writable: false,
        configurable: true,
      });
    }
  }

  /** `instanceof` that also recognises errors created by another copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: inherited by every subclass; `this` is the class on the right of instanceof.
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (!hasMarker(value)) return false;
    // biome-ignore lint/complexity/noThisInStatic: as above.
    const categories = (this as unknown as typeof BinanceError).categories;
    return categories === undefined || categories.includes((value as BinanceError).category);
  }

  /** A plain, secret-free object with every field, for logs and JSON. */
  toJSON(): BinanceErrorJSON {
    const json: BinanceErrorJSON = {
      name: this.name,
      message: this.message,
      category: this.category,
      code: this.code,
      msg: this.msg,
      status: this.status,
      retryable: this.retryable,
      executed: this.executed,
      hint: this.hint,
      docsUrl: this.docsUrl,
      request: this.request,
    };
    if (this.sent !== undefined) json.sent = this.sent;
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs;
    if (this.bannedUntil !== undefined) json.bannedUntil = this.bannedUntil.toISOString();
    if (this.filter !== undefined) json.filter = this.filter;
    if (this.reason !== undefined) json.reason = this.reason;
    if (this.rateLimit !== undefined) json.rateLimit = this.rateLimit;
    if (this.data !== undefined) json.data = serializable(this.data);
    if (this.cause !== undefined) json.cause = serializable(this.cause);
    return json;
  }
}

Object.defineProperty(BinanceError.prototype, MARKER, { value: true, enumerable: false });

/** The serialised form of a {@link BinanceError}. */
export interface BinanceErrorJSON {
  name: string;
  message: string;
  category: BinanceErrorCategory;
  code: number | undefined;
  msg: string | undefined;
  status: number | undefined;
  retryable: boolean;
  executed: Executed;
  hint: string;
  docsUrl: string;
  request: RedactedRequest | undefined;
  sent?: false;
  retryAfterMs?: number;
  bannedUntil?: string;
  filter?: string;
  reason?: string;
  rateLimit?: RateLimit;
  data?: unknown;
  cause?: unknown;
}

/** Per-class defaults used when the options leave a field out. */
export interface ErrorDefaults {
  category: BinanceErrorCategory;
  retryable: boolean;
  executed: Executed;
  hint: string;
}

/** `value` when `JSON.stringify` can write it (no cycles, no BigInt, no throwing getter); a sanitised copy otherwise. */
function serializable(value: unknown): unknown {
  try {
    JSON.stringify(value);
    return value;
  } catch {
    return sanitizeCause(value);
  }
}

/** Whether a value carries the BinanceError marker (from any copy of this package). */
export function hasMarker(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
}
