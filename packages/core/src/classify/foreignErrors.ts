/** What another Binance SDK's error says about the answer it got: enough for `classify` to read it like a response. */
export interface ForeignReading {
  /** The HTTP status, when the SDK's error tells it. */
  status?: number | undefined;
  /** Binance's body `{ code, msg }` (or the whole body the SDK kept). */
  body?: unknown;
  headers?: unknown;
  /** The URL it was sent to, when the SDK's error tells it: which API answered. */
  url?: string | undefined;
}

/** The official connector's (`@binance/spot`, `@binance/common`) classes: `(msg, code)` from Binance's body. */
const CONNECTOR_STATUS: Record<string, number | undefined> = {
  BadRequestError: 400,
  UnauthorizedError: 401,
  ForbiddenError: 403,
  NotFoundError: 404,
  RateLimitBanError: 418,
  TooManyRequestsError: 429,
  ConnectorClientError: undefined,
};

/**
 * ccxt's message for an exchange error: the exchange id, then Binance's JSON body. Only Spot's id: the futures
 * exchanges' codes mean other things, and ccxt's message does not say which API answered beyond the id.
 */
const CCXT_MESSAGE = /^binance\s+(\{[\s\S]*\})\s*$/;

/**
 * Reads the errors other Binance SDKs throw, so that `classify({ error })` types them like the exchange's answer:
 * - the official connector (`@binance/spot`): `BadRequestError`, `UnauthorizedError`, `ForbiddenError`,
 *   `NotFoundError`, `RateLimitBanError`, `TooManyRequestsError`, `ConnectorClientError` carry Binance's `code` and
 *   `msg` (as `message`); `ServerError` carries the 5xx status as `statusCode`. (Its `NetworkError` and
 *   "Request failed after N retries" are transport failures, read as such.)
 * - `binance` (tiagosiebler): a plain object `{ code, message, body, headers, requestUrl, ... }`.
 * - ccxt: an exception whose message is `binance {"code":-2010,"msg":"..."}`.
 *
 * Returns `undefined` for anything else.
 */
export function readForeignError(error: unknown): ForeignReading | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { name?: unknown; message?: unknown; code?: unknown; statusCode?: unknown };
  const message = typeof e.message === 'string' ? e.message : undefined;
  const code = typeof e.code === 'number' ? e.code : undefined;
  if (error instanceof Error && typeof e.name === 'string') {
    if (Object.hasOwn(CONNECTOR_STATUS, e.name)) {
      const status = CONNECTOR_STATUS[e.name];
      if (code !== undefined) return { status, body: { code, msg: message } };
      // Without a code its message is the connector's default, not Binance's: only the status is known.
      if (status !== undefined) return { status };
    }
    if (e.name === 'ServerError' && typeof e.statusCode === 'number') return { status: e.statusCode };
    const json = message === undefined ? undefined : CCXT_MESSAGE.exec(message)?.[1];
    if (json !== undefined) return { body: json };
    return undefined;
  }
  // Its status is not kept, nor the method (so a 5xx stays "may have executed" whatever was sent).
  const plain = error as { body?: unknown; headers?: unknown; requestUrl?: unknown };
  if (code !== undefined && 'body' in plain && 'headers' in plain) {
    const body = plain.body !== null && typeof plain.body === 'object' ? plain.body : { code, msg: message };
    const url = typeof plain.requestUrl === 'string' ? plain.requestUrl : undefined;
    return { body, headers: plain.headers, url };
  }
  return undefined;
}
