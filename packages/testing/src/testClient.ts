import { createHmac, type KeyObject, sign } from 'node:crypto';
import type { FakeExchange } from './FakeExchange.ts';

// Test-only helper (not exported from index.ts): a minimal Binance client over global fetch that signs with its own
// code, so the fake's verification is checked against an independent signer.

/** A response, read whole. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  data: unknown;
  /** `data.code` when the body is a Binance error. */
  code: number | undefined;
  msg: string | undefined;
}

/** How a signed request is built. */
export interface SignedOptions {
  /** Where the parameters go. @default 'query' for GET/DELETE, 'body' otherwise */
  placement?: 'query' | 'body';
  /** Timestamp to send; `null` sends none. @default ex.now() */
  timestamp?: number | string | null;
  /** Extra headers (override X-MBX-APIKEY with `x-mbx-apikey`). */
  headers?: Record<string, string>;
  /** Replace the computed signature. */
  signature?: string;
}

/** Credentials of a {@link TestClient}. */
export type TestKey = { apiKey: string; secret: string } | { apiKey: string; privateKey: KeyObject };

/** Reads a fetch Response into a {@link Reply}. */
export async function read(res: Response): Promise<Reply> {
  const text = await res.text();
  let data: unknown;
  try {
    data = text === '' ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }
  const err = data !== null && typeof data === 'object' ? (data as { code?: unknown; msg?: unknown }) : {};
  return {
    status: res.status,
    headers: res.headers,
    text,
    data,
    code: typeof err.code === 'number' ? err.code : undefined,
    msg: typeof err.msg === 'string' ? err.msg : undefined,
  };
}

/** Percent-encodes like the docs' examples: everything but `[-_.~a-zA-Z0-9]`. */
export function encode(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

/** Signs `payload` the way the exchange expects for the key type. */
export function signPayload(key: TestKey, payload: string): string {
  if ('secret' in key) return createHmac('sha256', key.secret).update(payload).digest('hex');
  const algorithm = key.privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  return encodeURIComponent(sign(algorithm, Buffer.from(payload), key.privateKey).toString('base64'));
}

/** A minimal client for the fake, over global fetch. */
export class TestClient {
  readonly ex: FakeExchange;
  readonly key: TestKey | undefined;

  constructor(ex: FakeExchange, key?: TestKey) {
    this.ex = ex;
    this.key = key;
  }

  /** An unsigned request with parameters in the query string. */
  async send(
    method: string,
    path: string,
    params: Record<string, string | number> = {},
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const q = encode(params);
    return read(await fetch(`${this.ex.url}${path}${q ? `?${q}` : ''}`, { method, headers }));
  }

  /** GET without signature. */
  get(
    path: string,
    params: Record<string, string | number> = {},
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    return this.send('GET', path, params, headers);
  }

  /** A signed request: adds timestamp and signature, sends X-MBX-APIKEY. */
  async signed(
    method: string,
    path: string,
    params: Record<string, string | number> = {},
    options: SignedOptions = {},
  ): Promise<Reply> {
    const key = this.key;
    if (!key) throw new Error('TestClient has no key');
    const all: Record<string, string | number> = { ...params };
    const ts = options.timestamp === undefined ? this.ex.now() : options.timestamp;
    if (ts !== null) all.timestamp = ts;
    const payload = encode(all);
    const signature = options.signature ?? signPayload(key, payload);
    const signedText = `${payload}&signature=${signature}`;
    const placement = options.placement ?? (method === 'GET' || method === 'DELETE' ? 'query' : 'body');
    const headers: Record<string, string> = { 'X-MBX-APIKEY': key.apiKey, ...options.headers };
    if (placement === 'query') {
      return read(await fetch(`${this.ex.url}${path}?${signedText}`, { method, headers }));
    }
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return read(await fetch(`${this.ex.url}${path}`, { method, headers, body: signedText }));
  }

  /** Sends raw query and body strings exactly as given. */
  async raw(
    method: string,
    path: string,
    query: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = body;
      // A form body unless the caller names another type.
      init.headers = { 'content-type': 'application/x-www-form-urlencoded', ...headers };
    }
    return read(await fetch(`${this.ex.url}${path}${query ? `?${query}` : ''}`, init));
  }
}
