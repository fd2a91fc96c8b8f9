import type { RedactedRequest } from './types.ts';

/** What replaces a secret wherever one is removed. */
export const REDACTED = '[REDACTED]';

/** Query/body parameters and header names whose values are secrets. Compared lower-case. */
const SECRET_KEYS = new Set([
  'signature',
  'apikey',
  'api_key',
  'apisecret',
  'api_secret',
  'secret',
  'secretkey',
  'privatekey',
  'private_key',
  'x-mbx-apikey',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'password',
  'passphrase',
]);

/** Keys of client error objects that carry request configuration (and with it keys and signed URLs). */
const DROPPED_KEYS = new Set(['config', 'request', 'options', 'agent', 'socket', '_currentRequest', 'timings']);

// `signature=<hex or base64>` and `X-MBX-APIKEY: <key>` inside free text (messages, stacks, URLs).
const SECRET_IN_TEXT =
  /\b(signature|apiKey|api_key|apiSecret|secretKey|privateKey|x-mbx-apikey)(["']?\s*[=:]\s*["']?)([^&\s"',}]+)/gi;
const PEM_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;
// Cheap pre-check: most text has none of these words, and then the replacing passes can be skipped.
const MAY_HOLD_SECRET = /signature|api_?key|api_?secret|secretkey|private_?key|x-mbx-apikey|PRIVATE KEY/i;
// A parameter whose name is percent-encoded (`%73ignature=`): decoded before it is judged.
const ENCODED_PARAM = /(^|[?&\s"'(])([^=&#\s"'(]*%[0-9a-f]{2}[^=&#\s"'(]*)=([^&#\s"',}]*)/gi;

/** Whether a parameter or header name holds a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

/**
 * Removes secrets from free text: `signature=…`, `apiKey=…`, `X-MBX-APIKEY: …`, PEM private keys, and every
 * value in `secrets` (the plugin's own credentials), wherever and in whatever case they appear.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  if (MAY_HOLD_SECRET.test(text)) {
    out = out.replace(SECRET_IN_TEXT, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`);
    if (out.includes('PRIVATE KEY-----')) out = out.replace(PEM_BLOCK, REDACTED);
  }
  if (out.includes('%')) out = out.replace(ENCODED_PARAM, redactEncodedParam);
  for (const secret of secrets) {
    // Short strings would shred innocent text; real keys and secrets are far longer. Matched in any case: Binance
    // takes a hex signature in either, and a key echoed upper-cased still gives it away.
    if (secret.length >= 8 && out.toLowerCase().includes(secret.toLowerCase())) {
      out = out.replace(new RegExp(secret.replace(REGEXP_SPECIAL, '\\$&'), 'gi'), REDACTED);
    }
  }
  return out;
}

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/**
 * `text` with every secret removed, cut to `max` characters (marked `…`). Redacted first: a secret cut in two is no
 * longer found whole, and its first part would stay.
 */
export function redactedExcerpt(text: string, max: number, secrets: readonly string[]): string {
  // A longer text is cut to REDACT_SCAN first: so far past any `max` here that no secret cut there can reach back
  // into the excerpt, however much the redaction before it shortens the text.
  const redacted = redactText(text.length > REDACT_SCAN ? text.slice(0, REDACT_SCAN) : text, secrets);
  return redacted.length > max ? `${redacted.slice(0, max)}…` : redacted;
}

const REDACT_SCAN = 1 << 16;

// A secret-named parameter in a query string, e.g. `&signature=abc`, with optional percent-encoding in the name.
const SECRET_PARAM =
  /([?&])(signature|api_?key|api_?secret|secret_?key|secret|private_?key|password|passphrase|x-mbx-apikey)=[^&#]*/gi;

/** Redacts the secret parameters of a URL (absolute or path-only) and returns it as text; the rest stays byte for byte. */
export function redactUrl(url: string | URL, secrets: readonly string[] = []): string {
  const text = typeof url === 'string' ? url : url.href;
  let redacted = text.includes('=') ? text.replace(SECRET_PARAM, `$1$2=${REDACTED}`) : text;
  if (redacted.includes('%')) redacted = redacted.replace(ENCODED_PARAM, redactEncodedParam);
  return secrets.length > 0 || text.includes('PRIVATE KEY') ? redactText(redacted, secrets) : redacted;
}

function redactEncodedParam(match: string, before: string, name: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return match;
  }
  return isSecretKey(decoded.trim()) || /signature/i.test(decoded) ? `${before}${name}=${REDACTED}` : match;
}

/**
 * A copy of `value` with the same shape and every secret removed: strings scrubbed like {@link redactText},
 * secret-named fields replaced, header bags redacted. For what an error keeps of a server's answer (`data`,
 * `response.data`). Cycles and depth beyond a few levels are cut.
 */
export function redactDeep<T>(value: T, secrets: readonly string[] = []): T {
  return redactDeepValue(value, secrets, 0, new WeakSet()) as T;
}

function redactDeepValue(value: unknown, secrets: readonly string[], depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) {
    const text = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
    const redacted = redactText(text, secrets);
    return redacted === text ? value : redacted;
  }
  if (seen.has(value) || depth > 8) return '[Circular or too deep]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactDeepValue(v, secrets, depth + 1, seen));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__') continue;
    let field: unknown;
    try {
      field = (value as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    if (isSecretKey(key)) out[key] = REDACTED;
    else if (key === 'headers') out[key] = redactHeaders(field, secrets);
    else out[redactText(key, secrets)] = redactDeepValue(field, secrets, depth + 1, seen);
  }
  return out;
}

/** Builds the `{ method, url }` kept on an error. */
export function redactRequest(
  request: { method?: string | undefined; url?: string | URL | undefined } | undefined,
  secrets: readonly string[] = [],
): RedactedRequest | undefined {
  if (!request || request.url === undefined) return undefined;
  return { method: String(request.method ?? 'GET').toUpperCase(), url: redactUrl(request.url, secrets) };
}

/** Redacts a header bag of any common shape into a plain lower-case record. */
export function redactHeaders(headers: unknown, secrets: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of headerEntries(headers)) {
    const name = key.toLowerCase();
    out[name] = isSecretKey(name) ? REDACTED : redactText(value, secrets);
  }
  return out;
}

/** Iterates `Headers`, `AxiosHeaders`, Node's `IncomingHttpHeaders` or a plain record as `[name, value]` pairs. */
export function headerEntries(headers: unknown): Array<[string, string]> {
  if (headers === null || typeof headers !== 'object') return [];
  const out: Array<[string, string]> = [];
  try {
    if (typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function') {
      (headers as Headers).forEach((value, key) => {
        out.push([key, String(value)]);
      });
      if (out.length > 0 || !('toJSON' in headers)) return out;
    }
    const record =
      typeof (headers as { toJSON?: unknown }).toJSON === 'function'
        ? (headers as { toJSON(): unknown }).toJSON()
        : headers;
    if (record === null || typeof record !== 'object') return out;
    for (const key of Object.keys(record)) {
      const value = (record as Record<string, unknown>)[key];
      if (value === undefined || value === null) continue;
      out.push([key, Array.isArray(value) ? value.map(String).join(', ') : String(value)]);
    }
  } catch {
    // A hostile or broken header object yields no headers rather than an exception.
  }
  return out;
}

/** A sanitised copy of an error or value that came from a client: safe to log, serialise and inspect. */
export interface SanitizedCause {
  name?: string;
  message?: string;
  code?: string | number;
  status?: number;
  stack?: string;
  cause?: SanitizedCause | string;
  [key: string]: unknown;
}

const MAX_DEPTH = 4;
const MAX_STRING = 2048;

/**
 * Copies `value` (usually a client error such as an AxiosError) into a plain object without anything that can
 * hold a secret: request configs and sockets are dropped, secret-named fields are replaced, free text is scrubbed.
 * Never throws; cyclic structures are cut.
 */
export function sanitizeCause(value: unknown, secrets: readonly string[] = []): SanitizedCause | string | undefined {
  try {
    return sanitizeValue(value, secrets, 0, new WeakSet()) as SanitizedCause | string | undefined;
  } catch {
    return undefined;
  }
}

function sanitizeValue(value: unknown, secrets: readonly string[], depth: number, seen: WeakSet<object>): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return redactedExcerpt(value, MAX_STRING, secrets);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (seen.has(value) || depth > MAX_DEPTH) return '[Circular or too deep]';
  seen.add(value);
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => sanitizeValue(v, secrets, depth + 1, seen));

  const out: Record<string, unknown> = {};
  if (value instanceof Error) {
    out.name = value.name;
    out.message = redactText(value.message, secrets);
    if (value.stack) out.stack = redactText(value.stack, secrets);
  }
  for (const key of Object.keys(value)) {
    if (DROPPED_KEYS.has(key) || key === '__proto__') continue;
    let field: unknown;
    try {
      field = (value as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    if (typeof field === 'function') continue;
    if (isSecretKey(key)) {
      out[key] = REDACTED;
    } else if (key === 'response') {
      out.response = sanitizeResponse(field, secrets, depth, seen);
    } else if (key === 'headers') {
      out.headers = redactHeaders(field, secrets);
    } else {
      out[key] = sanitizeValue(field, secrets, depth + 1, seen);
    }
  }
  // `cause` is non-enumerable on Error instances; keep the chain.
  if (value instanceof Error && value.cause !== undefined && !('cause' in out)) {
    out.cause = sanitizeValue(value.cause, secrets, depth + 1, seen);
  }
  return out;
}

function sanitizeResponse(response: unknown, secrets: readonly string[], depth: number, seen: WeakSet<object>) {
  if (response === null || typeof response !== 'object') return undefined;
  const r = response as { status?: unknown; statusCode?: unknown; headers?: unknown; data?: unknown; body?: unknown };
  return {
    status: typeof r.status === 'number' ? r.status : typeof r.statusCode === 'number' ? r.statusCode : undefined,
    headers: redactHeaders(r.headers, secrets),
    data: sanitizeValue(r.data ?? (typeof r.body === 'string' ? r.body : undefined), secrets, depth + 1, seen),
  };
}
