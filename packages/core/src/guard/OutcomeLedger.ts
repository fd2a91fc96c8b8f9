import { createHash } from 'node:crypto';
import type { BinanceError } from '../errors/BinanceError.ts';
import { steadyNow } from '../time/steadyNow.ts';

/** A request that may have changed an order, as the ledger remembers it. */
export interface LedgerEntry {
  /** Settles when the send that opened the entry has an outcome. */
  readonly settled: Promise<void>;
  /** `true` while that send is in flight. */
  readonly pending: boolean;
  /** The error it ended in, when its outcome is unknown (it may have executed). */
  readonly error: BinanceError | undefined;
  /** The client order id it was sent with, when it had one (the caller's or the plugin's). */
  readonly clientOrderId: string | undefined;
  /** ms since its outcome became unknown, on the ledger's clock. */
  ageMs(): number;
  /**
   * Server-clock ms after which its last send can no longer execute (timestamp + recvWindow), when it was signed.
   * Compared with the server clock only, never with the ledger's.
   */
  readonly executableUntil: number | undefined;
}

/** What the guard holds while its send is in flight; `close` records the outcome. */
export interface LedgerTicket {
  /**
   * Records the outcome: an error whose outcome is unknown keeps the entry for `rememberMs`, so that the same
   * request is answered without being sent again; anything else removes it.
   */
  close(
    unknown: BinanceError | undefined,
    clientOrderId?: string | undefined,
    executableUntil?: number | undefined,
  ): void;
}

interface Entry extends LedgerEntry {
  pending: boolean;
  error: BinanceError | undefined;
  clientOrderId: string | undefined;
  /** When the outcome became unknown, on the ledger's clock. */
  since: number;
  executableUntil: number | undefined;
  expiresAt: number;
  resolve: () => void;
}

/** Parameters that change with every send of the same request, so they do not identify it. */
const VOLATILE = new Set(['timestamp', 'signature', 'recvWindow']);

/** API keys' digests by key; a process uses a few keys, so a full cache simply starts again (digests do not change). */
const keyDigests = new Map<string, string>();
const MAX_KEY_DIGESTS = 64;

/** The SHA-256 of an API key (base64url), which stands for the key in a request's identity. */
function keyDigest(apiKey: string): string {
  let digest = keyDigests.get(apiKey);
  if (digest === undefined) {
    digest = createHash('sha256').update(apiKey).digest('base64url');
    if (keyDigests.size >= MAX_KEY_DIGESTS) keyDigests.clear();
    keyDigests.set(apiKey, digest);
  }
  return digest;
}

/**
 * Remembers the requests that may have created, changed or cancelled an order and whose outcome is unknown, so
 * that no retry layer — the client's own `retry`, axios-retry, an SDK's retry loop, a user's loop — gets one sent
 * twice. A request is identified by what it asks for ({@link OutcomeLedger.fingerprint}): its method, URL, API key
 * and parameters, without `timestamp`, `signature` and `recvWindow`, which change with every send. An identical
 * request sent while the first is in flight waits for its outcome.
 *
 * How long it remembers is a duration, so it is measured on a clock that wall-clock steps do not move: were it the
 * wall clock, NTP stepping it forward past `rememberMs` would forget an order that may still execute, and its
 * re-send would go out.
 */
export class OutcomeLedger {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #maxEntries: number;
  /** When the first remembered entry expires, on the ledger's clock: the next `open` after it sweeps. */
  #nextExpiry = Number.POSITIVE_INFINITY;

  /**
   * @param now Clock in ms that wall-clock steps do not move. @default steadyNow
   * @param maxEntries Entries kept at most; the oldest go first. @default 10_000
   */
  constructor(now: () => number = steadyNow, maxEntries = 10_000) {
    this.#now = now;
    this.#maxEntries = maxEntries;
  }

  /**
   * The identity of a request: its method, origin, path, API key and parameters (query and body, in sorted order,
   * without the volatile ones). The API key is kept as its SHA-256 only, computed once per key: an order's identity
   * is built on every placement, and hashing all of it each time cost more than the rest of the ledger.
   */
  static fingerprint(method: string, origin: string, path: string, apiKey: string, params: URLSearchParams): string {
    const stable = [...params].filter(([name]) => !VOLATILE.has(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify([method, origin, path, keyDigest(apiKey), stable]);
  }

  /** Entries in flight or remembered (expired ones may linger until the next send). */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry for `key`, if one is in flight or remembered. */
  get(key: string): LedgerEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry && !entry.pending && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /**
   * Opens an entry for a send of `key` (there must be none). An unknown outcome recorded through the ticket is
   * remembered for `rememberMs`.
   */
  open(key: string, rememberMs: number): LedgerTicket {
    this.#sweep();
    let resolve!: () => void;
    const settled = new Promise<void>((r) => {
      resolve = r;
    });
    const entry: Entry = {
      settled,
      pending: true,
      error: undefined,
      clientOrderId: undefined,
      since: 0,
      executableUntil: undefined,
      expiresAt: Number.POSITIVE_INFINITY,
      resolve,
      ageMs: () => this.#now() - entry.since,
    };
    this.#entries.set(key, entry);
    return {
      close: (unknown, clientOrderId, executableUntil) => {
        entry.pending = false;
        if (unknown && this.#entries.get(key) === entry) {
          // Formatted now: until its stack is read, V8 keeps the frames it was thrown through, and with them the
          // call's objects (about 20 kB for a got call), for as long as the entry lives.
          unknown.stack;
          entry.error = unknown;
          entry.clientOrderId = clientOrderId;
          entry.executableUntil = executableUntil;
          entry.since = this.#now();
          entry.expiresAt = entry.since + rememberMs;
          this.#nextExpiry = Math.min(this.#nextExpiry, entry.expiresAt);
        } else if (this.#entries.get(key) === entry) {
          this.#entries.delete(key);
        }
        entry.resolve();
      },
    };
  }

  /**
   * Drops expired entries once the first of them has expired, and the oldest settled ones beyond `maxEntries`. Left
   * for a lookup of the same request to find, an entry (and its error) would live as long as the process.
   */
  #sweep(): void {
    const now = this.#now();
    if (this.#entries.size < this.#maxEntries && this.#nextExpiry > now) return;
    this.#nextExpiry = Number.POSITIVE_INFINITY;
    for (const [key, entry] of this.#entries) {
      if (!entry.pending && (entry.expiresAt <= now || this.#entries.size >= this.#maxEntries)) {
        this.#entries.delete(key);
      } else if (!entry.pending) {
        this.#nextExpiry = Math.min(this.#nextExpiry, entry.expiresAt);
      }
    }
  }
}
