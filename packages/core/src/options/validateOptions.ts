import { profiles } from '../profiles/profileForOrigin.ts';
import { limitProblem } from '../throttle/Slot.ts';
import type { ThrottleLimit } from '../throttle/types.ts';
import { MAX_TIMER_MS } from '../time/limits.ts';
import { suggest } from './suggest.ts';

/** How one option is checked. `secret` values are never printed, only their type. */
type Rule =
  | { kind: 'number'; min: number; max: number; minExclusive?: true; integer?: true; zero?: true }
  | { kind: 'boolean' }
  | { kind: 'function' }
  | { kind: 'header'; secret: true }
  | { kind: 'secret'; keyObject?: true }
  | { kind: 'url' }
  | { kind: 'urls' }
  | { kind: 'oneOf'; values: readonly string[] }
  /** Rate limits in exchangeInfo's shape; `budgets`: a record of such lists by budget name. */
  | { kind: 'limits'; budgets?: true }
  | { kind: 'object'; methods?: readonly string[] }
  | { kind: 'group'; rules: Schema; canBeFalse?: true };

type Schema = Readonly<Record<string, Rule>>;

/** A delay a timer will hold: at most 2^31-1 ms, beyond which Node fires it at once. */
const delay = (min: number, minExclusive = false): Rule =>
  minExclusive
    ? { kind: 'number', min, max: MAX_TIMER_MS, minExclusive: true }
    : { kind: 'number', min, max: MAX_TIMER_MS };

const GUARD_SCHEMA: Schema = {
  throttle: {
    kind: 'group',
    canBeFalse: true,
    rules: {
      limits: { kind: 'limits' },
      budgetLimits: { kind: 'limits', budgets: true },
      maxWaitMs: delay(0),
      safety: { kind: 'number', min: 0, max: 1, minExclusive: true },
      defaultWeight: { kind: 'number', min: 0, max: 1_000_000, integer: true },
      store: { kind: 'object', methods: ['reserve', 'settle', 'release', 'setPause', 'setBan', 'getState'] },
      intervalScale: { kind: 'number', min: 0, max: 1000, minExclusive: true },
      edgeGuardMs: delay(0),
      endpoints: { kind: 'object', methods: ['get'] },
    },
  },
  clock: {
    kind: 'group',
    canBeFalse: true,
    rules: {
      // 0 turns the periodic resync off; otherwise at least a second, or it would hammer GET /api/v3/time.
      resyncIntervalMs: { kind: 'number', min: 1000, max: MAX_TIMER_MS, zero: true },
      samples: { kind: 'number', min: 1, max: 20, integer: true },
    },
  },
  breaker: {
    kind: 'group',
    canBeFalse: true,
    rules: {
      resetTimeoutMs: delay(0, true),
      errorThresholdPercentage: { kind: 'number', min: 0, max: 100, minExclusive: true },
      volumeThreshold: { kind: 'number', min: 0, max: 1_000_000, integer: true },
      rollingCountTimeoutMs: delay(0, true),
      consecutiveFailures: { kind: 'number', min: 0, max: 1_000_000, integer: true },
      tripsOn: { kind: 'function' },
      now: { kind: 'function' },
    },
  },
  retry: {
    kind: 'group',
    rules: {
      reads: { kind: 'number', min: 0, max: 100, integer: true },
      baseDelayMs: delay(0),
      maxDelayMs: delay(0),
    },
  },
  docsBaseUrl: { kind: 'url' },
  origins: { kind: 'urls' },
  product: { kind: 'oneOf', values: Object.keys(profiles) },
};

/** Options a guard is built with; beside an explicit `guard` they would not apply. */
const GUARD_ONLY = ['throttle', 'clock', 'breaker', 'retry', 'docsBaseUrl', 'product'] as const;

const PLUGIN_SCHEMA: Schema = {
  ...GUARD_SCHEMA,
  apiKey: { kind: 'header', secret: true },
  apiSecret: { kind: 'secret' },
  privateKey: { kind: 'secret', keyObject: true },
  recvWindow: { kind: 'number', min: 0, max: 60_000, minExclusive: true },
  reconcile: { kind: 'boolean' },
  guard: { kind: 'object' },
};

/**
 * Checks the options of `binanceErrors()` before anything is built: every name at every depth (with a "did you
 * mean" for near misses), every type and range, and that no delay exceeds what a timer can hold (2^31-1 ms).
 * Throws a `TypeError` (wrong name or type) or `RangeError` (out of range) naming the option and the bad value —
 * never the value of a secret.
 */
export function validatePluginOptions(options: unknown): void {
  check(options, PLUGIN_SCHEMA, 'binanceErrors() options', '');
  const record = options as Record<string, unknown>;
  if (record.guard === undefined) return;
  // The guard was built with its own options: these would be silently ignored.
  const ignored = GUARD_ONLY.find((key) => record[key] !== undefined);
  if (ignored !== undefined) {
    throw new TypeError(
      `binanceErrors() options: "${ignored}" has no effect together with "guard"; pass it to new BinanceGuard(…) instead`,
    );
  }
}

const REQUEST_SCHEMA: Schema = {
  enabled: { kind: 'boolean' },
  signed: { kind: 'boolean' },
  recvWindow: PLUGIN_SCHEMA.recvWindow!,
  reconcile: { kind: 'boolean' },
  maxWaitMs: delay(0),
};

/**
 * The same checks for one request's settings (axios `config.binance`, ky and got `context.binance`): a misspelt
 * `recvwindow` or a `signed: 'false'` would otherwise send the request with the defaults.
 */
export function validateRequestOptions(options: unknown): void {
  check(options, REQUEST_SCHEMA, 'per-request binance settings', 'binance.');
}

/** The same checks for the options of `new BinanceGuard()` (no credentials, recvWindow or reconcile there). */
export function validateGuardOptions(options: unknown): void {
  check(options, GUARD_SCHEMA, 'BinanceGuard options', '');
}

function check(value: unknown, schema: Schema, what: string, prefix: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object, got ${show(value)}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const rule = Object.hasOwn(schema, key) ? schema[key] : undefined;
    const name = `${prefix}${key}`;
    if (rule === undefined) {
      throw new TypeError(`${what}: unknown option "${name}"${didYouMean(key, Object.keys(schema), prefix)}`);
    }
    const option = record[key];
    if (option !== undefined) checkRule(option, rule, name);
  }
}

/** What follows "unknown …" for `key`: the nearest of `known` (with `prefix`), or the list of them. */
function didYouMean(key: string, known: readonly string[], prefix = ''): string {
  const near = suggest(key, known);
  return near ? `; did you mean "${prefix}${near}"?` : `; known: ${known.join(', ')}`;
}

/** A rate limit's fields (`count`: WebSocket API frames report usage with them, and it is ignored). */
const LIMIT_FIELDS = ['rateLimitType', 'interval', 'intervalNum', 'limit', 'intervalMs', 'count'];

/** Rate limits as the limiter will read them, checked now rather than on the first request. */
function checkLimits(value: unknown, name: string): void {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of rate limits, got ${show(value)}`);
  for (const [i, limit] of value.entries()) {
    const where = `${name}[${i}]`;
    if (limit !== null && typeof limit === 'object') {
      const unknown = Object.keys(limit).find((key) => !LIMIT_FIELDS.includes(key));
      if (unknown !== undefined)
        throw new TypeError(`${where}: unknown field "${unknown}"${didYouMean(unknown, LIMIT_FIELDS)}`);
    }
    const problem = limitProblem(limit as ThrottleLimit, where);
    if (problem !== undefined) throw problem;
  }
}

function checkRule(value: unknown, rule: Rule, name: string): void {
  switch (rule.kind) {
    case 'number':
      checkNumber(value, rule, name);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${show(value)}`);
      return;
    case 'function':
      if (typeof value !== 'function') throw new TypeError(`${name} must be a function, got ${show(value)}`);
      return;
    case 'header':
      if (typeof value !== 'string' || value.trim() === '') {
        throw new TypeError(
          `${name} must be a non-empty string, got ${typeof value === 'string' ? 'an empty string' : kind(value)}`,
        );
      }
      // A header value with CR/LF could inject headers or split the request; other control characters are refused by
      // every client anyway, later and with a less helpful error.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
      if (/[\u0000-\u001f\u007f]/.test(value)) {
        throw new TypeError(`${name} contains a control character (CR, LF or similar); it is sent as a header value`);
      }
      // fetch (ky) cannot send a character past U+00FF in a header at all, and the others send bytes Binance never
      // issued: a zero-width space or a typographic quote pasted along with the key.
      {
        const at = value.search(/[^\u0020-\u007e\u00a0-\u00ff]/);
        if (at !== -1) {
          const code = value.codePointAt(at)!.toString(16).toUpperCase().padStart(4, '0');
          throw new TypeError(
            `${name} contains U+${code} at position ${at + 1}, which cannot be sent as a header value; check what was pasted along with it`,
          );
        }
      }
      return;
    case 'secret':
      if (typeof value === 'string' ? value.trim() === '' : !(rule.keyObject && isKeyObject(value))) {
        throw new TypeError(
          `${name} must be a non-empty string${rule.keyObject ? ' or a KeyObject' : ''}, got ${typeof value === 'string' ? 'an empty string' : kind(value)}`,
        );
      }
      return;
    case 'url':
      // Not `URL.parse`: Node has it only from 22.1.
      if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
        throw new TypeError(`${name} must be an absolute http(s) URL string, got ${show(value)}`);
      }
      return;
    case 'urls':
      if (!Array.isArray(value))
        throw new TypeError(`${name} must be an array of absolute http(s) URL strings, got ${show(value)}`);
      for (const [i, item] of value.entries()) checkRule(item, { kind: 'url' }, `${name}[${i}]`);
      return;
    case 'oneOf':
      if (typeof value !== 'string' || !rule.values.includes(value)) {
        throw new TypeError(
          `${name} must be one of ${rule.values.map((v) => `'${v}'`).join(', ')}, got ${show(value)}`,
        );
      }
      return;
    case 'limits':
      if (!rule.budgets) {
        checkLimits(value, name);
      } else if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new TypeError(`${name} must be an object of rate limit arrays by budget name, got ${show(value)}`);
      } else {
        for (const [budget, limits] of Object.entries(value)) checkLimits(limits, `${name}.${budget}`);
      }
      return;
    case 'object': {
      if (value === null || typeof value !== 'object')
        throw new TypeError(`${name} must be an object, got ${show(value)}`);
      const missing = rule.methods?.find((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
      if (missing) throw new TypeError(`${name} must have a ${missing}() method, got ${show(value)}`);
      return;
    }
    case 'group':
      if (value === false && rule.canBeFalse) return;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new TypeError(`${name} must be ${rule.canBeFalse ? 'false or ' : ''}an object, got ${show(value)}`);
      }
      check(value, rule.rules, name, `${name}.`);
      return;
  }
}

function checkNumber(value: unknown, rule: Extract<Rule, { kind: 'number' }>, name: string): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number, got ${show(value)}`);
  }
  if (rule.zero && value === 0) return;
  const low = rule.minExclusive ? value <= rule.min : value < rule.min;
  if (low || value > rule.max || (rule.integer && !Number.isInteger(value))) {
    const range = `${rule.minExclusive ? '(' : '['}${rule.min}, ${rule.max}]`;
    const timer = rule.max === MAX_TIMER_MS ? ' (2^31-1 ms is the longest delay a timer can hold)' : '';
    throw new RangeError(
      `${name} must be ${rule.integer ? 'an integer' : 'a number'}${rule.zero ? ' 0 or' : ''} in ${range}${timer}, got ${show(value)}`,
    );
  }
}

function isKeyObject(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { type?: unknown }).type === 'string' &&
    typeof (value as { export?: unknown }).export === 'function'
  );
}

function kind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  return kind(value);
}
