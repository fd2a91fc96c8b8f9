import type { Signer } from './createSigner.ts';
import { encodeComponent, encodeParams, type ParamsInput, paramEntries } from './encodeParams.ts';

/** Parameters the signer adds itself; any copy in the originals is dropped so a retry never carries two. */
const SIGNING_PARAMS = new Set(['timestamp', 'signature', 'recvWindow']);
/** Query text that encodes to itself: `name=value` pairs of unreserved characters only, none of them empty. */
const PLAIN_QUERY = /^[-\w.~]+=[-\w.~]*(?:&[-\w.~]+=[-\w.~]*)*$/;
/** A signing parameter in query or body text, which then must be parsed and stripped. */
const SIGNING_PARAM = /(?:^|&)(?:timestamp|signature|recvWindow)=/;

/** What {@link signRequest} needs: the unsigned originals and when the request is stamped. */
export interface SignRequestInput {
  /**
   * The caller's query parameters, unsigned: as parameters, or as the query text after its `?`. Existing
   * `timestamp`, `recvWindow` and `signature` are replaced.
   */
  query: ParamsInput | string;
  /** The form body exactly as it will be sent, or `undefined`. */
  body?: string | undefined;
  /** Server-clock ms to send as `timestamp`. */
  timestamp: number;
  /** `recvWindow` in ms (decimals allowed); sent when given. */
  recvWindow?: number | undefined;
  signer: Signer;
}

/** A signed request: the query string and body to send byte for byte. */
export interface SignedRequest {
  /** Encoded query string, `timestamp` (and `recvWindow`) appended and `signature` last. */
  query: string;
  body: string | undefined;
  signature: string;
  /** The signature as the query carries it, percent-encoded (the same text for HMAC's hex). */
  encodedSignature: string;
}

/**
 * Signs a request the way Binance verifies it: the signature covers the percent-encoded query string followed
 * directly by the body. Always builds from the unsigned originals, so signing the same request again (a retry
 * after a clock resync) yields exactly one `timestamp` and one `signature`.
 */
export function signRequest(input: SignRequestInput): SignedRequest {
  let query = plainQuery(input.query);
  if (query === undefined) {
    query = '';
    const params = typeof input.query === 'string' ? new URLSearchParams(`?${input.query}`) : input.query;
    for (const [key, value] of paramEntries(params)) {
      if (!SIGNING_PARAMS.has(key)) query += `${encodeComponent(key)}=${encodeComponent(value)}&`;
    }
  }
  query += `timestamp=${Math.floor(input.timestamp)}`;
  if (input.recvWindow !== undefined) query += `&recvWindow=${encodeComponent(String(input.recvWindow))}`;
  const body = input.body === undefined ? undefined : stripBody(input.body);
  const signature = input.signer.sign(query + (body ?? ''));
  const encodedSignature = encodeComponent(signature);
  return { query: `${query}&signature=${encodedSignature}`, body, signature, encodedSignature };
}

/** The parameters without `timestamp`, `recvWindow` and `signature`, in order. */
export function stripSignature(params: ParamsInput): Array<[string, string]> {
  return paramEntries(params).filter(([key]) => !SIGNING_PARAMS.has(key));
}

/**
 * The query part to sign, followed by its `&`, taken as it is from text that parsing and encoding would give back
 * unchanged and that carries no signing parameter; `undefined` for anything else.
 */
function plainQuery(query: ParamsInput | string): string | undefined {
  if (typeof query !== 'string') return undefined;
  if (query === '') return '';
  return PLAIN_QUERY.test(query) && !SIGNING_PARAM.test(query) ? `${query}&` : undefined;
}

function stripBody(body: string): string {
  if (!SIGNING_PARAM.test(body)) return body;
  return encodeParams(stripSignature(new URLSearchParams(body)));
}
