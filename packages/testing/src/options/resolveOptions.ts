import type { FakeAccount } from '../auth/FakeAccount.ts';
import { type LimitTexts, SPOT_TEXTS } from '../http/LimitTexts.ts';
import { USDM_TEXTS } from '../http/usdmMessages.ts';
import { type BanPolicy, DEFAULT_BAN_POLICY } from '../limits/BanPolicy.ts';
import { DEFAULT_RATE_LIMITS, USDM_RATE_LIMITS } from '../limits/RateLimit.ts';
import { type ResolvedLimit, resolveLimit } from '../limits/ResolvedLimit.ts';
import type { RequestLogEntry } from '../log/RequestLogEntry.ts';
import { DEFAULT_SYMBOLS, type FakeSymbol, USDM_SYMBOLS } from '../market/FakeSymbol.ts';
import { defaultWeightTable } from '../weights/defaultWeightTable.ts';
import { usdmWeightTable } from '../weights/usdmWeightTable.ts';
import { WeightTable } from '../weights/WeightTable.ts';
import type { FakeExchangeOptions } from './FakeExchangeOptions.ts';

/** {@link FakeExchangeOptions} validated, with defaults filled in. */
export interface ResolvedOptions {
  product: 'spot' | 'usdm';
  /** How this product words limit breaches and overloads. */
  texts: LimitTexts;
  port: number;
  host: string;
  now: () => number;
  skewMs: number;
  accounts: readonly FakeAccount[];
  limits: readonly ResolvedLimit[];
  ban: Required<BanPolicy> | false;
  retryAfterHeader: boolean;
  clientIpHeader: string | undefined;
  seed: number;
  symbols: readonly FakeSymbol[];
  decrementOrderCountOnFill: boolean;
  maxLogEntries: number;
  keepAliveTimeoutMs: number;
  onRequest: ((entry: RequestLogEntry) => void) | undefined;
  table: WeightTable;
  latency: { requestMs: number; responseMs: number };
}

function check(ok: boolean, error: () => Error): void {
  if (!ok) throw error();
}

function resolveBan(ban: BanPolicy | false | undefined): Required<BanPolicy> | false {
  if (ban === false) return false;
  const after429s = ban?.after429s ?? DEFAULT_BAN_POLICY.after429s;
  const durationsMs = ban?.durationsMs ?? DEFAULT_BAN_POLICY.durationsMs;
  check(
    Number.isInteger(after429s) && after429s >= 0,
    () => new RangeError(`ban.after429s must be an integer >= 0, got ${after429s}`),
  );
  check(
    durationsMs.length > 0 && durationsMs.every((d) => Number.isFinite(d) && d > 0),
    () => new RangeError(`ban.durationsMs must be a non-empty list of ms > 0, got [${durationsMs.join(', ')}]`),
  );
  return { after429s, durationsMs: [...durationsMs] };
}

/** Validates options (TypeError/RangeError naming the option and the bad value) and fills in defaults. */
export function resolveOptions(options: FakeExchangeOptions = {}): ResolvedOptions {
  const product = options.product ?? 'spot';
  check(
    product === 'spot' || product === 'usdm',
    () => new TypeError(`product must be 'spot' or 'usdm', got ${JSON.stringify(product)}`),
  );
  const usdm = product === 'usdm';
  const port = options.port ?? 0;
  check(
    Number.isInteger(port) && port >= 0 && port <= 65535,
    () => new RangeError(`port must be 0-65535, got ${port}`),
  );
  const now = options.now ?? Date.now;
  check(typeof now === 'function', () => new TypeError(`now must be a function returning epoch ms, got ${typeof now}`));
  const skewMs = options.skewMs ?? 0;
  check(Number.isFinite(skewMs), () => new RangeError(`skewMs must be a finite number of ms, got ${skewMs}`));
  const timeScale = options.timeScale ?? 1;
  check(Number.isFinite(timeScale) && timeScale > 0, () => new RangeError(`timeScale must be > 0, got ${timeScale}`));
  const limits = (options.rateLimits ?? (usdm ? USDM_RATE_LIMITS : DEFAULT_RATE_LIMITS)).map((l, i) =>
    resolveLimit(l, i, timeScale),
  );
  const seed = options.seed ?? 1;
  check(Number.isInteger(seed), () => new RangeError(`seed must be an integer, got ${seed}`));
  const maxLogEntries = options.maxLogEntries ?? 100_000;
  check(
    Number.isInteger(maxLogEntries) && maxLogEntries >= 0,
    () => new RangeError(`maxLogEntries must be an integer >= 0, got ${maxLogEntries}`),
  );
  const keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 5000;
  check(
    Number.isInteger(keepAliveTimeoutMs) && keepAliveTimeoutMs > 0,
    () => new RangeError(`keepAliveTimeoutMs must be a whole number of ms > 0, got ${keepAliveTimeoutMs}`),
  );
  let symbols = options.symbols ?? (usdm ? USDM_SYMBOLS : DEFAULT_SYMBOLS);
  if (options.prices) {
    const known = new Set(symbols.map((s) => s.symbol));
    for (const name of Object.keys(options.prices)) {
      check(known.has(name), () => new RangeError(`prices.${name}: unknown symbol`));
    }
    symbols = symbols.map((s) => ({ ...s, price: options.prices?.[s.symbol] ?? s.price }));
  }
  const header = options.clientIpHeader;
  check(
    header === undefined || (typeof header === 'string' && header !== ''),
    () => new TypeError(`clientIpHeader must be a header name, got ${String(header)}`),
  );
  check(
    options.retryAfterHeader === undefined || typeof options.retryAfterHeader === 'boolean',
    () => new TypeError(`retryAfterHeader must be a boolean, got ${String(options.retryAfterHeader)}`),
  );
  const latency = { requestMs: options.latency?.requestMs ?? 0, responseMs: options.latency?.responseMs ?? 0 };
  for (const [name, ms] of Object.entries(latency)) {
    check(
      Number.isFinite(ms) && ms >= 0,
      () => new RangeError(`latency.${name} must be a number of ms >= 0, got ${ms}`),
    );
  }
  return {
    product,
    texts: usdm ? USDM_TEXTS : SPOT_TEXTS,
    port,
    host: options.host ?? '127.0.0.1',
    now,
    skewMs,
    accounts: options.accounts ?? [],
    limits,
    ban: resolveBan(options.ban),
    retryAfterHeader: options.retryAfterHeader ?? !usdm,
    clientIpHeader: header?.toLowerCase(),
    seed,
    symbols,
    decrementOrderCountOnFill: options.decrementOrderCountOnFill ?? !usdm,
    maxLogEntries,
    keepAliveTimeoutMs,
    onRequest: options.onRequest,
    table: options.endpoints ? new WeightTable(options.endpoints) : usdm ? usdmWeightTable() : defaultWeightTable(),
    latency,
  };
}
