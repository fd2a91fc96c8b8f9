import { EXECUTION, RETRYABILITY, resolveRetryable } from '../catalog/policy.ts';
import type { CatalogEntry, StatusMessageEntry } from '../catalog/types.ts';
import { BinanceError, type BinanceErrorOptions, DEFAULT_DOCS_BASE_URL } from '../errors/BinanceError.ts';
import { errorClassFor } from '../errors/errorClassFor.ts';
import { headerEntries, redactedExcerpt, redactHeaders, redactRequest } from '../errors/redact.ts';
import type {
  BinanceErrorCategory,
  BinanceErrorResponse,
  Executed,
  RateLimit,
  RateLimitInterval,
  RateLimitUsage,
} from '../errors/types.ts';
import type { ApiProduct, ApiProfile } from '../profiles/ApiProfile.ts';
import { profileForOrigin, profiles } from '../profiles/profileForOrigin.ts';
import { clampServerWait } from '../time/limits.ts';
import { epochMs } from './epochTime.ts';
import { type ForeignReading, readForeignError } from './foreignErrors.ts';
import { type ParsedBody, parseBody } from './parseBody.ts';
import { parseRetryAfter } from './retryAfter.ts';
import { readTransportError, type TransportFailure } from './transport.ts';

/** Everything a request can end in. Every field is optional; `classify` never throws. */
export interface ClassifyInput {
  /** HTTP status, or the WebSocket API frame's `status`. */
  status?: number | undefined;
  headers?: Headers | Record<string, string | string[] | undefined> | undefined;
  /** A string, bytes, or parsed JSON: a REST body `{code,msg}` or a WebSocket API frame. */
  body?: unknown;
  /** A transport error when there is no response — or a client error (AxiosError, HTTPError) carrying one. */
  error?: unknown;
  /** The request; redacted before it is stored on the error. */
  request?: { method: string; url: string | URL } | undefined;
  /**
   * Which Binance API the response came from; codes mean other things on USDⓈ-M Futures (-2021, -2022, -1008 …).
   * @default the API served at the request URL's origin (`fapi.binance.com` and the futures testnets → `'usdm'`),
   * else `'spot'`
   */
  product?: ApiProduct | undefined;
  /** Whether the request may have reached the exchange; `false` makes `executed` `'no'`. @default true */
  sent?: boolean | undefined;
  /** Local time in ms, for `Retry-After` dates and ban expiry. @default Date.now() */
  now?: number | undefined;
  /** Base URL of the documentation site that `docsUrl` points into. */
  docsBaseUrl?: string | undefined;
  /** Exact secret values to scrub from anything stored on the error. */
  secrets?: readonly string[] | undefined;
}

/** What a response says, read off its status, headers and body. */
interface Reading {
  status: number | undefined;
  code: number | undefined;
  msg: string | undefined;
  parsed: ParsedBody;
  /** The body as the caller's code would see it (`response.data`). */
  data: unknown;
  cancelReplaceData: unknown;
  wsRetryAfter: number | undefined;
  wsServerTime: number | undefined;
  rateLimits: RateLimitUsage[] | undefined;
}

/**
 * Turns anything a Binance request can end in into a typed, redacted {@link BinanceError}: a REST error body, a
 * WebSocket API frame, an HTML or empty body from a proxy, WAF or CDN, or a transport error. Matches by code
 * first and by message second. Never throws, whatever the input.
 *
 * @example
 * ```ts
 * const err = classify({ status: 400, body: '{"code":-1013,"msg":"Filter failure: LOT_SIZE"}' });
 * err.category; // 'filter'
 * err.filter;   // 'LOT_SIZE'
 * ```
 */
export function classify(input: ClassifyInput): BinanceError {
  try {
    return classifyUnsafe(input ?? {});
  } catch (e) {
    return new BinanceError({ message: 'Binance request failed, and its failure could not be read.', cause: e });
  }
}

function classifyUnsafe(input: ClassifyInput): BinanceError {
  if (input.error instanceof BinanceError) return input.error;
  const fromError = responseOfClientError(input.error) ?? readForeignError(input.error);
  const status = input.status ?? fromError?.status;
  const headers = input.headers ?? fromError?.headers;
  const body = input.body !== undefined ? input.body : fromError?.body;
  const secrets = input.secrets ?? [];
  const request = redactRequest(input.request ?? requestOfClientError(input.error), secrets);
  const now = finite(input.now) ?? Date.now();
  const base = input.docsBaseUrl ?? DEFAULT_DOCS_BASE_URL;
  // Which API answered: the request's URL, else the one another SDK's error names (the method it does not name).
  const profile = profileOf(input.product, request?.url ?? fromError?.url);
  const where = request ? ` (${request.method} ${pathOf(request.url)})` : '';

  // A client's timeout that carries a success ran out while the body was still coming (got's `timeout.request`): a
  // timeout, not an answer. (A body that came whole but is not JSON stays an answer that cannot be read.)
  const noAnswer = status === undefined && body === undefined;
  const afterSuccess = input.status === undefined && status !== undefined && status < 300;
  if (input.error !== undefined && (noAnswer || afterSuccess)) {
    const failure = readTransportError(input.error, secrets);
    if (noAnswer || failure?.category === 'timeout') {
      return transportError(input, failure, profile, request, where, base, secrets);
    }
  }

  const r = read(status, body, secrets);
  const header = (name: string) => headerValue(headers, name);
  const { catalog } = profile;
  // A status message (USDⓈ-M Futures' three 503 texts) says more about the outcome than the code that comes with it.
  const said: StatusMessageEntry | undefined =
    r.msg === undefined ? undefined : catalog.lookupStatusMessage(r.status, r.msg);
  let entry = r.code === undefined ? undefined : catalog.lookupCode(r.code);
  if (!entry && !said && r.msg !== undefined && r.code === undefined) entry = catalog.lookupMessage(r.msg);
  const stated = said ?? entry;

  let category: BinanceErrorCategory = stated?.category ?? categoryOfStatus(r.status, r.parsed, request?.url);
  let retryability = stated?.retryable ?? RETRYABILITY[category];
  let executed: Executed = stated?.executed ?? EXECUTION[category];
  let docsPath = said
    ? statusMessagePath(profile, said.status)
    : entry
      ? `${profile.docsPath}${entry.slug}`
      : categoryPath(profile, category);
  let hint = stated?.hint;
  const options: Partial<BinanceErrorOptions> = {};
  if (entry?.filter !== undefined) options.filter = entry.filter;

  // Refine by what the message carries.
  if (r.msg !== undefined) {
    const filter = catalog.lookupFilter(r.msg);
    const reason = filter ? undefined : catalog.lookupReason(r.msg);
    if (filter) {
      options.filter = filter.filter;
      if (filter.entry) {
        docsPath = `${profile.docsPath}filters/${filter.entry.slug}`;
        hint = filter.entry.hint;
      }
    } else if (reason) {
      options.reason = reason.reason;
      docsPath = `${profile.docsPath}reasons/${reason.slug}`;
      hint = reason.hint;
      if (reason.reason === 'UNKNOWN_ORDER') category = 'not-found';
      else if (category === 'filter') category = 'order-rejected';
    }
    const banned = BANNED_UNTIL.exec(r.msg)?.[1];
    const bannedMs = banned === undefined ? undefined : epochMs(banned, now);
    if (bannedMs !== undefined) options.bannedUntil = new Date(bannedMs);
    if (RESTRICTED_LOCATION.test(r.msg)) category = 'restricted-location';
    const limit = readLimit(r.msg);
    if (limit) options.rateLimit = limit;
  }
  // 418 and 429 mean a ban and a rate limit whatever code or text comes with them (a proxy may send anything), so
  // the ban or pause is always recorded; only a cancel-replace keeps its partial outcome on a 429.
  if (r.status === 418 || (options.bannedUntil && (category === 'rate-limit' || category === 'ip-ban'))) {
    category = 'ip-ban';
  } else if (r.status === 429 && category !== 'partial') category = 'rate-limit';
  if (category === 'ip-ban' || category === 'rate-limit') {
    retryability = 'yes';
    executed = 'no';
  }
  if (category === 'partial') {
    executed = r.code === -2021 || (r.code === undefined && r.status === 409) ? 'partial' : 'no';
    if (r.cancelReplaceData !== undefined) options.data = r.cancelReplaceData;
  }
  const outcomeDocumentedAt5xx = said !== undefined || (entry?.http !== undefined && entry.http >= 500);
  if (r.status !== undefined && r.status >= 500 && executed === 'no' && !outcomeDocumentedAt5xx) {
    // Binance Spot: a 5xx means the execution status is unknown, whatever the code (orders were reported filled
    // after a 503 -1008). Only reads stay safe to send again. Where the API documents the outcome of the 5xx itself
    // (a futures -1008 or "Service Unavailable." is a definite failure), that outcome stands.
    executed = 'unknown';
    if (retryability === 'yes') retryability = 'idempotent';
  }
  if (input.sent === false) executed = 'no';

  const told = parseRetryAfter(header('retry-after'), now) ?? wsRetryAfterMs(r, now);
  const banLeft = options.bannedUntil ? clampServerWait(options.bannedUntil.getTime() - now) : undefined;
  // Where both say, the later end stands: a Retry-After of 0 (a proxy's, say) does not end a ban dated later.
  const retryAfterMs = told === undefined || banLeft === undefined ? (told ?? banLeft) : Math.max(told, banLeft);
  if (retryAfterMs !== undefined) options.retryAfterMs = retryAfterMs;
  if (r.rateLimits) options.rateLimits = r.rateLimits;

  const ErrorClass = errorClassFor(category);
  return new ErrorClass({
    ...options,
    message: messageFor(entry, r, category, where, options),
    code: r.code,
    msg: r.msg,
    status: r.status,
    retryable: resolveRetryable(retryability, request?.method),
    executed,
    hint: hint ?? ErrorClass.defaults.hint,
    docsUrl: `${base}${docsPath}`,
    request,
    response: r.status === undefined ? undefined : responseView(r, headers, secrets),
    cause: input.error,
    secrets,
  });
}

/** The profile `product` names, else the one serving the request URL's origin, else Spot. */
function profileOf(product: unknown, url: string | undefined): ApiProfile {
  if (typeof product === 'string' && Object.hasOwn(profiles, product)) return profiles[product as ApiProduct];
  return url === undefined ? profiles.spot : profileForOrigin(url);
}

function categoryPath(profile: ApiProfile, category: BinanceErrorCategory): string {
  return `${profile.docsPath}categories/${category}`;
}

/** The docs page of the messages an API gives a meaning of their own at `status`, e.g. `errors/usdm/http-503`. */
function statusMessagePath(profile: ApiProfile, status: number): string {
  return `${profile.docsPath}http-${status}`;
}

function transportError(
  input: ClassifyInput,
  failure: TransportFailure | undefined,
  profile: ApiProfile,
  request: BinanceErrorOptions['request'],
  where: string,
  base: string,
  secrets: readonly string[],
): BinanceError {
  const category: BinanceErrorCategory = failure?.category ?? 'unknown';
  // A refusal, or a connection that never opened, is known not to have left whatever the caller handed over.
  const sent = failure?.unsent ? false : (input.sent ?? failure?.maybeSent ?? true);
  const ErrorClass = errorClassFor(category);
  return new ErrorClass({
    message: `Binance request${where} ${failure?.description ?? unrecognised(input.error, secrets)}.`,
    retryable:
      category === 'aborted' || category === 'unknown' || category === 'request'
        ? false
        : !sent || resolveRetryable('idempotent', request?.method),
    executed: sent ? 'unknown' : 'no',
    docsUrl: `${base}${categoryPath(profile, category)}`,
    request,
    cause: input.error,
    secrets,
  });
}

/** What an error no client or runtime is known to raise said (a rate store's, say), up to 200 characters. */
function unrecognised(error: unknown, secrets: readonly string[]): string {
  const said = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const detail = redactedExcerpt(said, 200, secrets);
  return `failed with an unrecognised error${detail ? `: ${detail}` : ''}`;
}

function read(status: number | undefined, body: unknown, secrets: readonly string[]): Reading {
  const parsed = parseBody(body, secrets);
  const r: Reading = {
    status: validStatus(status),
    code: undefined,
    msg: undefined,
    parsed,
    data: undefined,
    cancelReplaceData: undefined,
    wsRetryAfter: undefined,
    wsServerTime: undefined,
    rateLimits: undefined,
  };
  if (parsed.kind === 'truncated') {
    r.code = parsed.code;
    r.msg = parsed.msg;
    return r;
  }
  if (parsed.kind === 'text') r.data = parsed.text;
  if (parsed.kind !== 'json' || parsed.value === null || typeof parsed.value !== 'object') return r;
  r.data = parsed.value;
  let payload = parsed.value as Record<string, unknown>;
  // A WebSocket API frame: { id, status, error: { code, msg, data }, rateLimits }.
  const error = own(payload, 'error');
  if (error !== null && typeof error === 'object' && !Array.isArray(error)) {
    r.status ??= validStatus(own(payload, 'status'));
    r.rateLimits = readRateLimits(own(payload, 'rateLimits'));
    payload = error as Record<string, unknown>;
    const data = own(payload, 'data');
    if (data !== null && typeof data === 'object') {
      r.wsRetryAfter = finite(own(data as Record<string, unknown>, 'retryAfter'));
      r.wsServerTime = finite(own(data as Record<string, unknown>, 'serverTime'));
    }
  }
  r.code = binanceCode(own(payload, 'code'));
  const msg = own(payload, 'msg');
  if (typeof msg === 'string') r.msg = msg.length > 2048 ? redactedExcerpt(msg, 2048, secrets) : msg;
  else if (typeof msg === 'number' || typeof msg === 'boolean') r.msg = String(msg);
  const data = own(payload, 'data');
  if ((r.code === -2021 || r.code === -2022) && data !== null && typeof data === 'object') r.cancelReplaceData = data;
  return r;
}

const CANCEL_REPLACE = /\/order\/cancelReplace$/i;

function categoryOfStatus(
  status: number | undefined,
  parsed: ParsedBody,
  url: string | undefined,
): BinanceErrorCategory {
  if (status === undefined) return 'unknown';
  if (status === 451 || (parsed.kind === 'html' && parsed.countryBlock)) return 'restricted-location';
  if (status === 418) return 'ip-ban';
  if (status === 429) return 'rate-limit';
  if (status === 403) return 'waf';
  if (status === 401) return 'auth';
  // Binance answers 409 only to a cancel-replace that half succeeded; to another request, an intermediary did.
  if (status === 409) return url === undefined || CANCEL_REPLACE.test(pathOf(url)) ? 'partial' : 'request';
  if (status === 408) return 'timeout';
  // Past 599 there is no class to go on, not even a 5xx's "the server failed".
  if (status >= 600) return 'unknown';
  if (status >= 500) return 'unknown-outcome';
  if (status >= 400) return 'request';
  // A 2xx/3xx that still failed (a page or garbage where an answer belonged): nothing to go on. A WAF that blocks
  // answers 403; a page with a success status may have come after the request went through.
  return 'unknown';
}

function messageFor(
  entry: CatalogEntry | undefined,
  r: Reading,
  category: BinanceErrorCategory,
  where: string,
  options: Partial<BinanceErrorOptions>,
): string {
  const http = r.status === undefined ? '' : ` HTTP ${r.status}`;
  let head: string;
  if (r.code !== undefined) head = `Binance ${r.code}${entry ? ` ${entry.name}` : ''}`;
  else head = `Binance${http || ' error'}`;
  let text = r.msg;
  if (text === undefined) {
    if (r.parsed.kind === 'html')
      text = `an HTML page${r.parsed.title ? ` "${r.parsed.title}"` : ''} (a proxy, WAF or CDN answered)`;
    else if (r.parsed.kind === 'empty') text = 'an empty body';
    else if (r.parsed.kind === 'text') text = `"${r.parsed.text.slice(0, 120)}"`;
    else if (r.parsed.kind === 'truncated') text = 'a truncated body';
    else text = `a ${category} error`;
  }
  const extra: string[] = [];
  if (r.code !== undefined && http) extra.push(http.trim());
  if (options.retryAfterMs !== undefined) extra.push(`retry after ${options.retryAfterMs} ms`);
  return `${head}: ${text}${where}${extra.length ? ` [${extra.join(', ')}]` : ''}`;
}

function responseView(r: Reading, headers: unknown, secrets: readonly string[]): BinanceErrorResponse {
  return { status: r.status ?? 0, headers: redactHeaders(headers, secrets), data: r.data };
}

// Every variant Binance and its CDN send: "IP banned until 1659146400000", "IP(1.2.3.4) banned until …",
// "IP(2001:db8::1) banned until …", in ms or (with X-MBX-TIME-UNIT: MICROSECOND) µs.
const BANNED_UNTIL = /banned until:?\s*(\d{1,22})\b/i;
// Binance's 451 text: "Service unavailable from a restricted location according to 'b. Eligibility' …".
const RESTRICTED_LOCATION = /restricted location/i;

/** A WebSocket API frame's `retryAfter` (epoch ms) as a wait from its `serverTime`, or from `now`. */
function wsRetryAfterMs(r: Reading, now: number): number | undefined {
  if (r.wsRetryAfter === undefined) return undefined;
  const serverNow = r.wsServerTime === undefined ? now : (epochMs(r.wsServerTime, now) ?? now);
  const until = epochMs(r.wsRetryAfter, serverNow);
  return until === undefined ? undefined : clampServerWait(until - serverNow);
}

const UNITS: Record<string, RateLimitInterval> = {
  SECOND: 'SECOND',
  MINUTE: 'MINUTE',
  HOUR: 'HOUR',
  DAY: 'DAY',
};
const LIMIT_IN_MSG = /current limit is (\d+) (request weight|orders) per (\d+) (SECOND|MINUTE|HOUR|DAY)/i;

/** "current limit is 6000 request weight per 1 MINUTE" → `{ REQUEST_WEIGHT, MINUTE, 1, 6000 }`. */
function readLimit(msg: string): RateLimit | undefined {
  const m = LIMIT_IN_MSG.exec(msg);
  if (!m?.[1] || !m[2] || !m[3] || !m[4]) return undefined;
  const interval = UNITS[m[4].toUpperCase()];
  if (!interval) return undefined;
  return {
    rateLimitType: m[2].toLowerCase() === 'orders' ? 'ORDERS' : 'REQUEST_WEIGHT',
    interval,
    intervalNum: Number(m[3]),
    limit: Number(m[1]),
  };
}

function readRateLimits(value: unknown): RateLimitUsage[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: RateLimitUsage[] = [];
  for (const item of value.slice(0, 16)) {
    if (item === null || typeof item !== 'object') continue;
    const o = item as Record<string, unknown>;
    const type = own(o, 'rateLimitType');
    const interval = own(o, 'interval');
    const intervalNum = finite(own(o, 'intervalNum'));
    const limit = finite(own(o, 'limit'));
    if (typeof type !== 'string' || typeof interval !== 'string' || intervalNum === undefined || limit === undefined) {
      continue;
    }
    if (type !== 'REQUEST_WEIGHT' && type !== 'ORDERS' && type !== 'RAW_REQUESTS') continue;
    const unit = UNITS[interval];
    if (!unit) continue;
    const usage: RateLimitUsage = { rateLimitType: type, interval: unit, intervalNum, limit };
    const count = finite(own(o, 'count'));
    if (count !== undefined) usage.count = count;
    out.push(usage);
  }
  return out;
}

/** Reads the status, headers and body that axios, got and ky errors carry on `response`. */
function responseOfClientError(error: unknown): ForeignReading | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const response = own(error as Record<string, unknown>, 'response');
  if (response === null || typeof response !== 'object') return undefined;
  const res = response as Record<string, unknown>;
  const status = validStatus(res.status ?? res.statusCode);
  if (status === undefined) return undefined;
  const body =
    res.data ??
    (error as { data?: unknown }).data ??
    (typeof res.body === 'string' || res.body instanceof Uint8Array ? res.body : undefined);
  return { status, headers: res.headers, body };
}

/** Reads `{ method, url }` from an AxiosError's `config`, a got error's `options` or a ky error's `request`. */
function requestOfClientError(error: unknown): { method: string; url: string } | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as Record<string, unknown>;
  for (const source of [e.config, e.options, e.request]) {
    if (source === null || typeof source !== 'object') continue;
    const s = source as { method?: unknown; url?: unknown; baseURL?: unknown };
    const url = s.url instanceof URL ? s.url.href : typeof s.url === 'string' ? s.url : undefined;
    if (url === undefined) continue;
    const full = typeof s.baseURL === 'string' && !/^https?:/i.test(url) ? s.baseURL.replace(/\/$/, '') + url : url;
    return { method: typeof s.method === 'string' ? s.method : 'GET', url: full };
  }
  return undefined;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (headers === undefined || headers === null || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') {
    const value = (headers as Headers).get(name);
    if (value !== null && value !== undefined) return String(value);
  }
  for (const [key, value] of headerEntries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  const noQuery = q === -1 ? url : url.slice(0, q);
  const m = /^[a-z]+:\/\/[^/]+(\/.*)?$/i.exec(noQuery);
  return m ? (m[1] ?? '/') : noQuery;
}

function own(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function finite(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * A status as a status line carries it: three digits, which Node's parser and fetch pass on. One past 599 belongs
 * to no HTTP class (a proxy made it up), but it is what came back, so it is reported.
 */
function validStatus(value: unknown): number | undefined {
  const n = finite(value);
  return n !== undefined && Number.isInteger(n) && n >= 100 && n <= 999 ? n : undefined;
}

function binanceCode(value: unknown): number | undefined {
  const n = finite(value);
  return n !== undefined && Number.isInteger(n) && n < 0 && n > -100000 ? n : undefined;
}
